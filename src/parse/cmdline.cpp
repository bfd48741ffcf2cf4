#include "parse/cmdline.h"

#include <algorithm>
#include <cctype>

namespace lsmdoctor {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view skip_spaces(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && is_space(text[i]))
    ++i;
  return text.substr(i);
}

// One step of the kernel's next_arg(): returns the parameter and the rest.
CmdlineParam next_arg(std::string_view& args) {
  bool in_quote = false;
  bool quoted = false;
  if (!args.empty() && args.front() == '"') {
    args.remove_prefix(1);
    in_quote = true;
    quoted = true;
  }
  size_t i = 0;
  size_t equals = 0;
  for (; i < args.size(); ++i) {
    if (is_space(args[i]) && !in_quote)
      break;
    if (equals == 0 && args[i] == '=')
      equals = i;
    if (args[i] == '"')
      in_quote = !in_quote;
  }
  std::string_view word = args.substr(0, i);
  args = skip_spaces(args.substr(i < args.size() ? i + 1 : i));

  // The kernel strips one trailing quote of a quoted word or value.
  bool strip_last_quote = quoted && !word.empty() && word.back() == '"';
  CmdlineParam param;
  if (equals == 0) {
    if (strip_last_quote)
      word.remove_suffix(1);
    param.key = std::string(word);
    return param;
  }
  param.key = std::string(word.substr(0, equals));
  std::string_view value = word.substr(equals + 1);
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    strip_last_quote = true;
  }
  if (strip_last_quote && !value.empty() && value.back() == '"')
    value.remove_suffix(1);
  param.value = std::string(value);
  return param;
}

bool needs_quotes(std::string_view value) {
  for (char c : value)
    if (is_space(c) || c == '"')
      return true;
  return false;
}

// True when next_arg() reads `word` back as exactly `param`.
bool reads_back(const std::string& word, const CmdlineParam& param) {
  std::string_view args = word;
  CmdlineParam back = next_arg(args);
  // An odd number of quotes leaves the kernel inside a quote at the end of
  // the word, and it would swallow the parameters after it.
  bool balanced = std::count(word.begin(), word.end(), '"') % 2 == 0;
  return balanced && args.empty() && back.key == param.key && back.value == param.value;
}

std::string without_quotes(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '"')
      out += c;
  return out;
}

// Unbalanced quotes with spaces (a"b c) only read back at the very end of a
// command line. Dropping the quotes keeps the parameter's words together and
// the parameters after it intact; "--" would end the kernel's part, so it
// keeps an empty value.
std::string unquoted_fallback(const CmdlineParam& param) {
  std::string key = without_quotes(param.key);
  if (!param.value)
    return "\"" + key + (key == "--" ? "=" : "") + "\"";
  return "\"" + key + "=" + without_quotes(*param.value) + "\"";
}

} // namespace

bool param_name_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '-' ? '_' : a[i];
    char y = b[i] == '-' ? '_' : b[i];
    if (x != y)
      return false;
  }
  return true;
}

KernelCmdline parse_cmdline(std::string_view text) {
  KernelCmdline cmdline;
  std::string_view args = skip_spaces(text);
  size_t kernel_end = text.size();
  while (!args.empty()) {
    size_t offset = text.size() - args.size();
    CmdlineParam param = next_arg(args);
    if (param.key == "--" && !param.value) {
      kernel_end = offset;
      break;
    }
    cmdline.params.push_back(std::move(param));
  }
  std::string_view kernel_part = text.substr(0, kernel_end);
  while (!kernel_part.empty() && is_space(kernel_part.back()))
    kernel_part.remove_suffix(1);
  cmdline.raw = std::string(skip_spaces(kernel_part));
  return cmdline;
}

std::string format_param(const CmdlineParam& param) {
  if (!param.value) {
    // An empty name or one with spaces only survives inside quotes.
    std::string bare = param.key;
    if (!bare.empty() && reads_back(bare, param))
      return bare;
    std::string quoted = "\"" + param.key + "\"";
    if (reads_back(quoted, param))
      return quoted;
    return unquoted_fallback(param);
  }
  if (!needs_quotes(*param.value) && reads_back(param.key + "=" + *param.value, param))
    return param.key + "=" + *param.value;
  // The kernel has no escapes: a quote inside a value only toggles quoting.
  // A value read from the current command line (a"b c"d) comes back bare;
  // one with plain spaces comes back in quotes; a name with spaces needs the
  // whole parameter quoted. Keep the first form that reads back.
  std::string quoted = param.key + "=\"" + *param.value + "\"";
  for (std::string candidate :
       {quoted, param.key + "=" + *param.value, param.key + "=\"" + *param.value,
        "\"" + param.key + "=" + *param.value + "\""})
    if (reads_back(candidate, param))
      return candidate;
  return unquoted_fallback(param);
}

std::string format_cmdline(const std::vector<CmdlineParam>& params) {
  std::string out;
  for (const auto& param : params) {
    if (!out.empty())
      out += ' ';
    out += format_param(param);
  }
  return out;
}

} // namespace lsmdoctor
