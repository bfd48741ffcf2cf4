// Quoting for generated text. Values read from a host can be hostile: every
// value that reaches shell, Nix or a config file goes through one of these.
#pragma once

#include <string>
#include <string_view>

namespace lsmdoctor {

// A single-quoted POSIX shell word: 'it'\''s'.
std::string shell_quote(std::string_view value);
// A double-quoted Nix string with \, ", ${ and control characters escaped.
std::string nix_string(std::string_view value);
// A TOML basic string ("..."): backslash, double quote and every control
// character escaped, invalid UTF-8 replaced by U+FFFD. Always one line.
std::string toml_string(std::string_view value);
// Makes text safe to place inside a Nix or shell comment line: control
// characters (newlines included) become spaces.
std::string comment_safe(std::string_view text);
// Valid UTF-8 with invalid bytes replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);
// XML 1.0 character data or attribute value: &, <, >, " and ' escaped, and
// characters XML cannot carry (control characters other than tab, newline
// and carriage return; U+FFFE, U+FFFF; invalid UTF-8) replaced by U+FFFD.
// In an attribute value, tab, newline and carriage return become character
// references so that they survive attribute normalisation.
std::string xml_escape(std::string_view text, bool attribute = true);
// A Prometheus exposition-format label value (without the quotes): valid
// UTF-8 with backslash, double quote and newline escaped.
std::string prometheus_label_value(std::string_view text);

} // namespace lsmdoctor
