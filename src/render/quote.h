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
// Makes text safe to place inside a Nix or shell comment line: control
// characters (newlines included) become spaces.
std::string comment_safe(std::string_view text);
// Valid UTF-8 with invalid bytes replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

} // namespace lsmdoctor
