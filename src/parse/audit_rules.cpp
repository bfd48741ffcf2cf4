#include "parse/audit_rules.h"

#include "parse/audit_rule_field.h"
#include "parse/line_reader.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fmt/format.h>
#include <libaudit.h>
#include <linux/audit.h>
#include <optional>
#include <vector>

namespace lsmdoctor {

using audit_rule_detail::check_field_compare;
using audit_rule_detail::check_field_pair;
using audit_rule_detail::kFilterMask;
using audit_rule_detail::kFilterUnset;
using audit_rule_detail::LineState;

namespace {

constexpr std::size_t kShownChars = 200; // of a value quoted in a message

// Splits at spaces as auditctl does (only spaces; `\ ` is a space inside a
// word and `\\` a backslash).
std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\\')) {
      word += line[++i];
      in_word = true;
    } else if (c == ' ') {
      if (in_word)
        words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

std::string shown(std::string_view text) {
  return std::string(text.substr(0, kShownChars));
}

// Options that take an argument (auditctl's getopt string).
bool takes_argument(char option) {
  return std::string_view("CefrbaAdSFmRwWkpq").find(option) != std::string_view::npos;
}

bool is_known_option(char option) {
  return option != '\0' &&
         std::string_view("hicslDvtCefrbaAdSFmRwWkpq").find(option) != std::string_view::npos;
}

struct LongOption {
  std::string_view name;
  bool has_arg;
};
constexpr std::array<LongOption, 5> kLongOptions{{{"loginuid-immutable", false},
                                                  {"backlog_wait_time", true},
                                                  {"reset-lost", false},
                                                  {"reset_backlog_wait_time_actual", false},
                                                  {"signal", true}}};

// getopt_long accepts a unique prefix of a long option.
const LongOption* find_long(std::string_view name) {
  const LongOption* match = nullptr;
  for (const auto& option : kLongOptions) {
    if (option.name == name)
      return &option;
    if (option.name.substr(0, name.size()) == name) {
      if (match)
        return nullptr;
      match = &option;
    }
  }
  return match;
}

// One line as auditctl's setopt() sees it.
class LineParser {
public:
  LineParser(std::vector<std::string> words, int machine, bool& ignore_errors, AuditRuleLine& out)
      : words_(std::move(words)), ignore_errors_(ignore_errors), out_(out) {
    state_.machine = machine;
  }

  // Returns "" when the line is accepted, else auditctl's message (which may
  // itself be empty when auditctl prints only "There was an error ...").
  std::optional<std::string> run();
  std::vector<std::string> warnings;

private:
  std::size_t count() const { return words_.size() + 1; } // argv[0] is "auditctl"
  const std::string* word_after(std::size_t index) const {
    return index + 1 < words_.size() ? &words_[index + 1] : nullptr;
  }
  std::optional<std::string> option(char letter, const std::string& arg, std::size_t index);
  std::optional<std::string> long_option(const LongOption& option, const std::string& arg);
  std::optional<std::string> list_rule(char letter, const std::string& arg);
  std::optional<std::string> syscall(const std::string& arg);
  std::optional<std::string> field(const std::string& arg, std::size_t index);
  std::optional<std::string> watch(char letter, std::string arg);
  std::optional<std::string> key(const std::string& arg);
  std::optional<std::string> perms(const std::string& arg);
  std::optional<std::string> control(const std::string& name, const std::string& arg,
                                     bool numeric_only, std::string_view what);
  std::optional<std::string> finish();

  std::vector<std::string> words_;
  bool& ignore_errors_;
  AuditRuleLine& out_;
  LineState state_;
};

std::optional<std::string> LineParser::run() {
  std::size_t non_options = 0;
  bool any_option = false;
  for (std::size_t i = 0; i < words_.size(); ++i) {
    const std::string& word = words_[i];
    if (word.size() < 2 || word.front() != '-') {
      ++non_options; // getopt moves these to the end
      continue;
    }
    any_option = true;
    if (word.rfind("--", 0) == 0) {
      if (word.size() == 2)
        break; // "--" ends the options
      std::string name = word.substr(2);
      std::string arg;
      std::size_t eq = name.find('=');
      bool inline_arg = eq != std::string::npos;
      if (inline_arg) {
        arg = name.substr(eq + 1);
        name.resize(eq);
      }
      const LongOption* option = find_long(name);
      if (!option || (!option->has_arg && inline_arg) ||
          (option->has_arg && !inline_arg && !word_after(i)))
        return fmt::format("Option {} on line {} is invalid", shown(word), out_.line);
      if (option->has_arg && !inline_arg)
        arg = words_[++i];
      if (auto error = long_option(*option, arg))
        return error;
      continue;
    }
    // A cluster such as "-i" or "-wPATH"; an option that takes an argument
    // takes the rest of the word, or the next word whatever it looks like.
    for (std::size_t at = 1; at < word.size(); ++at) {
      char letter = word[at];
      if (!is_known_option(letter))
        return fmt::format("Option {} on line {} is invalid", shown(word), out_.line);
      std::string arg;
      if (takes_argument(letter)) {
        if (at + 1 < word.size()) {
          arg = word.substr(at + 1);
        } else if (word_after(i)) {
          arg = words_[++i];
        } else {
          return fmt::format("Option {} on line {} is invalid", shown(word), out_.line);
        }
        if (auto error = option(letter, arg, i))
          return error;
        break;
      }
      if (auto error = option(letter, arg, i))
        return error;
    }
  }
  if (!any_option)
    return std::string("not an auditctl option: '") + shown(words_.front()) + "'";
  if (non_options > 0)
    return std::string("parameter passed without an option given");
  return finish();
}

std::optional<std::string> LineParser::long_option(const LongOption& option,
                                                   const std::string& arg) {
  std::string name = "--" + std::string(option.name);
  if (option.name == "backlog_wait_time")
    return control(name, arg, true, "Backlog_wait_time");
  if (option.name == "loginuid-immutable")
    return control(name, arg, false, {});
  out_.kind = AuditRuleKind::other;
  out_.control = name;
  out_.value = arg;
  return std::nullopt;
}

std::optional<std::string> LineParser::control(const std::string& name, const std::string& arg,
                                               bool numeric_only, std::string_view what) {
  out_.kind = AuditRuleKind::control;
  out_.control = name;
  out_.value = arg;
  if (numeric_only) {
    if (arg.empty() || std::isdigit(static_cast<unsigned char>(arg.front())) == 0)
      return fmt::format("{} must be a numeric value was {}", what, shown(arg));
    errno = 0;
    unsigned long long value = std::strtoull(arg.c_str(), nullptr, 0);
    if (errno != 0 || value > UINT32_MAX)
      return fmt::format("Error converting {}", name == "-r"   ? "rate"
                                                : name == "-b" ? "backlog"
                                                               : "backlog_wait_time");
  }
  return std::nullopt;
}

std::optional<std::string> LineParser::option(char letter, const std::string& arg,
                                              std::size_t index) {
  switch (letter) {
  case 'h':
    return std::string("-h prints auditctl's usage; it is not a rule");
  case 'i':
  case 'c':
    ignore_errors_ = true;
    out_.kind = AuditRuleKind::option;
    out_.control = std::string("-") + letter;
    return std::nullopt;
  case 's':
    if (count() > 3)
      return std::string("Too many options for status command");
    if (count() == 3 && (!word_after(index) || *word_after(index) != "-i"))
      return std::string("Only -i option is allowed");
    return std::nullopt;
  case 'l':
    if (count() > 4)
      return std::string("Wrong number of options for list request");
    if (count() == 3 && (!word_after(index) || *word_after(index) != "-i"))
      return std::string("Only -k or -i options are allowed");
    if (count() == 4 && (!word_after(index) || *word_after(index) != "-k"))
      return std::string("Only -k or -i options are allowed");
    words_.resize(index + 1); // the rest was consumed as -i or -k KEY
    return std::nullopt;
  case 'D':
    out_.kind = AuditRuleKind::delete_all;
    if (count() > 4 || count() == 3)
      return std::string("Wrong number of options for Delete all request");
    if (count() == 4) {
      const std::string* next = word_after(index);
      if (!next || *next != "-k" || index + 2 >= words_.size())
        return std::string("Only the -k option is allowed");
      out_.keys.push_back(words_[index + 2]);
      words_.resize(index + 1);
    }
    return std::nullopt;
  case 'e':
    if (arg != "0" && arg != "1" && arg != "2") {
      control("-e", arg, false, {});
      return fmt::format("Enable must be 0, 1, or 2 was {}", shown(arg));
    }
    return control("-e", arg, false, {});
  case 'f':
    if (arg != "0" && arg != "1" && arg != "2") {
      control("-f", arg, false, {});
      return fmt::format("Failure must be 0, 1, or 2 was {}", shown(arg));
    }
    return control("-f", arg, false, {});
  case 'r':
    return control("-r", arg, true, "Rate");
  case 'b':
    return control("-b", arg, true, "Backlog");
  case 'a':
  case 'A':
  case 'd':
    return list_rule(letter, arg);
  case 'S':
    return syscall(arg);
  case 'F':
    return field(arg, index);
  case 'C': {
    AuditRuleField f;
    std::string error = check_field_compare(arg, state_, f);
    if (!error.empty())
      return error;
    out_.fields.push_back(std::move(f));
    return std::nullopt;
  }
  case 'm':
    if (count() > 3)
      return std::string("The -m option must be only the only option and takes 1 parameter");
    return std::nullopt;
  case 'R':
    return std::string("Error - nested rule files not supported");
  case 'w':
  case 'W':
    return watch(letter, arg);
  case 'k':
    if (!(state_.syscall_added || state_.perm_added || state_.exe_added || state_.filterfs_added) ||
        (state_.add == kFilterUnset && state_.del == kFilterUnset))
      return std::string("key option needs a watch or syscall given prior to it");
    return key(arg);
  case 'p':
    return perms(arg);
  case 'q': {
    if (state_.syscall_added)
      return std::string("Syscall auditing requested for make equivalent");
    std::size_t comma = arg.find(',');
    if (comma == std::string::npos || comma + 1 == arg.size() ||
        arg.find(',', comma + 1) != std::string::npos)
      return std::string("Error parsing equivalent parts");
    return std::nullopt;
  }
  default: // -t, -v
    return std::nullopt;
  }
}

std::optional<std::string> LineParser::list_rule(char letter, const std::string& arg) {
  std::string_view verb = letter == 'a' ? "Append" : (letter == 'A' ? "Add" : "Delete");
  if (letter != 'd' && arg.find("task") != std::string::npos && state_.syscall_added)
    return std::string(letter == 'a' ? "Syscall auditing requested for task list"
                                     : "Error: syscall auditing requested for task list");
  if (++state_.rule_ops != 1)
    return std::string("Multiple rule insert/delete operations are not allowed");
  std::size_t comma = arg.find(',');
  std::string bad = fmt::format("{} rule - bad keyword {}", verb, shown(arg));
  if (comma == std::string::npos || arg.find(',', comma + 1) != std::string::npos)
    return bad;
  std::string first = arg.substr(0, comma);
  std::string second = arg.substr(comma + 1);
  auto action_of = [](const std::string& word) {
    if (word == "always")
      return AUDIT_ALWAYS;
    if (word == "never")
      return AUDIT_NEVER;
    return -1;
  };
  if (first == "possible" || second == "possible")
    return fmt::format("{} rule - possible is deprecated", verb);
  int action = action_of(first);
  std::string list_name = action >= 0 ? second : first;
  if (action < 0)
    action = action_of(second);
  int list = audit_name_to_flag(list_name.c_str());
  if (action < 0 || list < 0)
    return bad;
  int& target = letter == 'd' ? state_.del : state_.add;
  target = list;
  state_.action = action;
  state_.exclude = list == AUDIT_FILTER_EXCLUDE;
  out_.kind = letter == 'd' ? AuditRuleKind::delete_rule : AuditRuleKind::rule;
  out_.list = list_name;
  out_.action = action == AUDIT_ALWAYS ? "always" : "never";
  return std::nullopt;
}

std::optional<std::string> LineParser::syscall(const std::string& arg) {
  int list = state_.list();
  if (list == AUDIT_FILTER_TASK)
    return std::string("Error: syscall auditing being added to task list");
  if (list == AUDIT_FILTER_USER && (state_.add != kFilterUnset || state_.del != kFilterUnset))
    return std::string("Error: syscall auditing being added to user list");
  if (list == AUDIT_FILTER_FS)
    return std::string("Error: syscall auditing being added to filesystem list");
  if (state_.exclude)
    return std::string("Error: syscall auditing cannot be put on exclude list");
  std::size_t start = 0;
  while (start <= arg.size()) {
    std::size_t comma = arg.find(',', start);
    std::string name = arg.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? arg.size() + 1 : comma + 1;
    if (name.empty())
      continue;
    bool number = std::isdigit(static_cast<unsigned char>(name.front())) != 0;
    if (name != "all" && !number && audit_name_to_syscall(name.c_str(), state_.machine) < 0)
      return fmt::format("Syscall name unknown: {}", shown(arg));
    out_.syscalls.push_back(name);
  }
  state_.syscall_added = true;
  return std::nullopt;
}

std::optional<std::string> LineParser::field(const std::string& arg, std::size_t index) {
  int flags = state_.list();
  if (flags == kFilterUnset) {
    const std::string* next = word_after(index);
    if (arg.find("arch=") == std::string::npos || !next || *next != "-t")
      return std::string("List must be given before field");
  }
  if (arg.rfind("key=", 0) == 0) {
    if (!(state_.syscall_added || state_.perm_added || state_.exe_added || state_.filterfs_added) ||
        (state_.add == kFilterUnset && state_.del == kFilterUnset))
      return std::string("key option needs a watch or syscall given prior to it");
    return key(arg.substr(4));
  }
  AuditRuleField f;
  std::string error = check_field_pair(arg, flags, state_, f);
  if (!error.empty())
    return error;
  if (f.name == "fstype")
    state_.filterfs_added = true;
  out_.fields.push_back(std::move(f));
  return std::nullopt;
}

std::optional<std::string> LineParser::watch(char letter, std::string arg) {
  if (letter == 'w' && (state_.add != kFilterUnset || state_.del != kFilterUnset))
    return std::string("watch option can't be given with a syscall");
  if (arg.size() >= PATH_MAX)
    return std::string("The path passed for the watch is too big");
  if (arg.empty() || arg.front() != '/')
    return std::string("The path must start with '/'");
  if (arg.size() > 2)
    while (arg.size() > 1 && arg.back() == '/')
      arg.pop_back();
  std::size_t slash = arg.find_last_of('/');
  if (arg.size() - slash - 1 > NAME_MAX)
    return std::string("The base name of the path is too big");
  if (arg.find("..") != std::string::npos)
    warnings.emplace_back("Warning - relative path notation is not supported");
  if (arg.find_first_of("*?") != std::string::npos)
    warnings.emplace_back("Warning - wildcard notation is not supported");
  (letter == 'w' ? state_.add : state_.del) = AUDIT_FILTER_EXIT;
  state_.action = AUDIT_ALWAYS;
  state_.syscall_added = true;
  out_.kind = letter == 'w' ? AuditRuleKind::watch : AuditRuleKind::unwatch;
  out_.path = arg;
  out_.list = "exit";
  out_.action = "always";
  return std::nullopt;
}

std::optional<std::string> LineParser::key(const std::string& arg) {
  std::size_t joined = arg.size() + state_.key.size() + (state_.key.empty() ? 0 : 1);
  if (joined > AUDIT_MAX_KEY_LEN)
    return std::string("key option exceeds size limit");
  if (arg.find(static_cast<char>(AUDIT_KEY_SEPARATOR)) != std::string::npos)
    warnings.push_back(fmt::format("key {} has illegal character", shown(arg)));
  if (!state_.key.empty())
    state_.key += static_cast<char>(AUDIT_KEY_SEPARATOR);
  state_.key += arg;
  out_.keys.push_back(arg);
  return std::nullopt;
}

std::optional<std::string> LineParser::perms(const std::string& arg) {
  if ((state_.add == kFilterUnset && state_.del == kFilterUnset) || out_.path.empty())
    return std::string("permission option needs a watch given prior to it");
  if (arg.size() > 4)
    return fmt::format("permission {} is too long", shown(arg));
  for (char c : arg)
    if (std::string_view("rwxa").find(static_cast<char>(
            std::tolower(static_cast<unsigned char>(c)))) == std::string_view::npos)
      return fmt::format("Permission {} isn't supported", c);
  state_.perm_added = true;
  out_.perms = arg;
  return std::nullopt;
}

std::optional<std::string> LineParser::finish() {
  bool has_list = state_.add != kFilterUnset || state_.del != kFilterUnset;
  if (!has_list && state_.syscall_added)
    return std::string("Error - no list specified");
  if (!state_.key.empty() && !(state_.syscall_added || state_.perm_added || state_.exe_added))
    return std::string("Key field needs a watch or syscall given prior to it");
  if (has_list && !state_.key.empty())
    out_.fields.push_back({"key", "=", state_.key});
  return std::nullopt;
}

} // namespace

bool parse_audit_rule_line(std::string_view line, const std::string& file, int line_no, int machine,
                           bool& ignore_errors, AuditRules& out) {
  std::size_t first = line.find_first_not_of(' ');
  if (first == std::string_view::npos)
    return true; // blank
  std::vector<std::string> words = split_words(line);
  if (words.empty() || words.front().front() == '#')
    return true; // comment
  AuditRuleLine rule;
  rule.file = file;
  rule.line = line_no;
  rule.text = std::string(line.substr(0, std::min<std::size_t>(line.size(), 4096)));
  bool ignoring = ignore_errors; // -i on this line applies from the next one
  LineParser parser(std::move(words), machine, ignore_errors, rule);
  std::optional<std::string> error = parser.run();
  for (auto& warning : parser.warnings)
    out.problems.push_back({file, line_no, rule.text, std::move(warning), true, false});
  if (error) {
    rule.valid = false;
    out.problems.push_back({file, line_no, rule.text, std::move(*error), false, !ignoring});
  }
  out.lines.push_back(std::move(rule));
  return !error;
}

void parse_audit_rules(std::string_view text, const std::string& file, int machine,
                       AuditRules& out) {
  bool ignore_errors = false;
  for (auto [number, line] : TextLines(text))
    parse_audit_rule_line(line, file, static_cast<int>(number), machine, ignore_errors, out);
}

std::string auditctl_line_error(const AuditRuleProblem& problem) {
  return fmt::format("There was an error in line {} of {}", problem.line, problem.file);
}

bool is_lsm_context_field(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kFields{
      "subj_user", "subj_role", "subj_type",   "subj_sen",     "subj_clr",
      "obj_user",  "obj_role",  "obj_lev_low", "obj_lev_high", "obj_type"};
  for (auto field : kFields)
    if (field == name)
      return true;
  return false;
}

} // namespace lsmdoctor
