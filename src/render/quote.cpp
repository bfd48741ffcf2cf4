#include "render/quote.h"

#include <fmt/format.h>

namespace lsmdoctor {

std::string shell_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

std::string toml_string(std::string_view value) {
  std::string text = sanitize_utf8(value);
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\u{:04X}", byte);
    else
      out += c;
  }
  out += '"';
  return out;
}

std::string nix_string(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '$':
      // "${" starts an interpolation; "$${" is not portable across Nix versions.
      out += (i + 1 < value.size() && value[i + 1] == '{') ? "\\$" : "$";
      break;
    default:
      out += c; // Nix strings take any other byte literally
    }
  }
  out += '"';
  return out;
}

std::string comment_safe(std::string_view text) {
  std::string out;
  for (char c : sanitize_utf8(text)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    if (c < 0x80)
      len = 1;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      len = 2;
    else if ((c & 0xF0) == 0xE0)
      len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      len = 4;
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && len == 3) {
      auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0); // overlong, surrogates
    }
    if (ok && len == 4) {
      auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string xml_escape(std::string_view text, bool attribute) {
  std::string clean = sanitize_utf8(text);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    switch (c) {
    case '&':
      out += "&amp;";
      continue;
    case '<':
      out += "&lt;";
      continue;
    case '>':
      out += "&gt;";
      continue;
    case '"':
      out += "&quot;";
      continue;
    case '\'':
      out += "&apos;";
      continue;
    case '\t':
      out += attribute ? "&#9;" : "\t";
      continue;
    case '\n':
      out += attribute ? "&#10;" : "\n";
      continue;
    case '\r':
      out += "&#13;"; // a literal CR in content would be read as a newline
      continue;
    default:
      break;
    }
    auto byte = static_cast<unsigned char>(c);
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
    bool nonchar = byte == 0xEF && i + 2 < clean.size() &&
                   static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
                   (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE;
    if (byte < 0x20 || nonchar) {
      out += "\xEF\xBF\xBD";
      if (nonchar)
        i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

std::string prometheus_label_value(std::string_view text) {
  std::string out;
  for (char c : sanitize_utf8(text)) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

} // namespace lsmdoctor
