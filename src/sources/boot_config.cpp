#include "sources/boot_config.h"

#include "parse/line_reader.h"
#include "sources/gather.h"

#include <algorithm>
#include <dirent.h>
#include <fmt/format.h>
#include <map>
#include <sys/stat.h>

namespace lsmdoctor {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return "";
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// A kernel command line is at most a few KiB; values that reference
// themselves line after line would otherwise double each time.
constexpr std::size_t kMaxValue = 1 << 16;

// Expands $NAME and ${NAME} from `vars` (other names expand to nothing, as
// in the shell with unset variables), up to kMaxValue bytes.
std::string expand(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    bool braced = text[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_'))
      ++end;
    if (end == start || (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];
      continue;
    }
    auto it = vars.find(std::string(text.substr(start, end - start)));
    if (it != vars.end())
      out += it->second.substr(0, kMaxValue - std::min(kMaxValue, out.size()));
    i = braced ? end : end - 1;
  }
  return out;
}

// The value of a shell assignment's right-hand side: quotes removed, double
// quoted and bare parts expanded, a trailing comment dropped.
std::string shell_value(std::string_view rhs, const std::map<std::string, std::string>& vars) {
  std::string out;
  std::size_t i = 0;
  while (i < rhs.size()) {
    char c = rhs[i];
    if (c == '\'') {
      std::size_t close = rhs.find('\'', i + 1);
      close = close == std::string_view::npos ? rhs.size() : close;
      out += rhs.substr(i + 1, close - i - 1);
      i = close + 1;
    } else if (c == '"') {
      std::string part;
      std::size_t j = i + 1;
      for (; j < rhs.size() && rhs[j] != '"'; ++j) {
        if (rhs[j] == '\\' && j + 1 < rhs.size() &&
            std::string_view("$`\"\\").find(rhs[j + 1]) != std::string_view::npos)
          ++j;
        part += rhs[j];
      }
      out += expand(part, vars);
      i = j + 1;
    } else if (c == ' ' || c == '\t' || c == '#') {
      break;
    } else {
      std::size_t j = i;
      while (j < rhs.size() && std::string_view(" \t'\"#").find(rhs[j]) == std::string_view::npos)
        ++j;
      out += expand(rhs.substr(i, j - i), vars);
      i = j;
    }
  }
  return out;
}

void add_if_present(BootConfig& config, std::string kind, const std::string& path, int line,
                    std::string text, std::vector<std::string>& sources) {
  sources.push_back(path);
  config.cmdlines.push_back(
      {std::move(kind), line > 0 ? fmt::format("{}:{}", path, line) : path, std::move(text)});
}

std::vector<std::string> bls_entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr)
    return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".conf") == 0)
      out.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

std::string grub_default_cmdline(std::string_view text, int& line) {
  std::map<std::string, std::string> vars;
  line = 0;
  for (auto [number, raw] : TextLines(text)) {
    std::string stripped = trim(raw);
    if (stripped.rfind("export ", 0) == 0)
      stripped = trim(std::string_view(stripped).substr(7));
    for (const char* name : {"GRUB_CMDLINE_LINUX_DEFAULT=", "GRUB_CMDLINE_LINUX="}) {
      std::string_view prefix(name);
      if (stripped.rfind(prefix, 0) != 0)
        continue;
      std::string key(prefix.substr(0, prefix.size() - 1));
      std::string value = shell_value(std::string_view(stripped).substr(prefix.size()), vars);
      vars[key] = value.substr(0, kMaxValue);
      line = static_cast<int>(number);
      break;
    }
  }
  std::string linux = vars.count("GRUB_CMDLINE_LINUX") ? vars["GRUB_CMDLINE_LINUX"] : "";
  std::string def =
      vars.count("GRUB_CMDLINE_LINUX_DEFAULT") ? vars["GRUB_CMDLINE_LINUX_DEFAULT"] : "";
  if (line == 0)
    return "";
  return trim(linux + " " + def);
}

std::string bls_options(std::string_view text, int& line) {
  std::string out;
  line = 0;
  for (auto [number, raw] : TextLines(text)) {
    std::string stripped = trim(raw);
    if (stripped.rfind("options", 0) != 0 || stripped.size() < 8 ||
        (stripped[7] != ' ' && stripped[7] != '\t'))
      continue;
    out += (out.empty() ? "" : " ") + trim(std::string_view(stripped).substr(8));
    if (line == 0)
      line = static_cast<int>(number);
  }
  return out;
}

Fact<BootConfig> gather_boot_config(const std::string& root, std::vector<std::string>& warnings) {
  BootConfig config;
  std::vector<std::string> sources;
  auto read = [&](const std::string& path) -> std::optional<std::string> {
    if (!is_file(path))
      return std::nullopt;
    auto text = read_small_file(path, 1 << 20);
    if (!text) {
      warnings.push_back(fmt::format("{}: {}", path, text.error().message));
      return std::nullopt;
    }
    return *text;
  };

  std::string grub = under_root(root, "/etc/default/grub");
  if (auto text = read(grub)) {
    int line = 0;
    std::string cmdline = grub_default_cmdline(*text, line);
    if (line > 0)
      add_if_present(config, "grub", grub, line, cmdline, sources);
  }
  std::string kernel_cmdline = under_root(root, "/etc/kernel/cmdline");
  if (auto text = read(kernel_cmdline))
    add_if_present(config, "kernel-cmdline", kernel_cmdline, 0, trim(*text), sources);
  // NixOS: the default boot generation (nixos-rebuild boot or switch), else
  // the running system's.
  for (const char* profile :
       {"/nix/var/nix/profiles/system/kernel-params", "/run/current-system/kernel-params"}) {
    std::string path = under_root(root, profile);
    if (auto text = read(path)) {
      add_if_present(config, "nixos", path, 0, trim(*text), sources);
      break;
    }
  }
  for (const char* dir :
       {"/boot/loader/entries", "/efi/loader/entries", "/boot/efi/loader/entries"})
    for (const auto& entry : bls_entries(under_root(root, dir)))
      if (auto text = read(entry)) {
        int line = 0;
        std::string options = bls_options(*text, line);
        if (line > 0)
          add_if_present(config, "bls", entry, line, options, sources);
      }
  std::string from = sources.empty() ? under_root(root, "/etc/default/grub") : sources.front();
  return Fact<BootConfig>::known(std::move(config), {from});
}

} // namespace lsmdoctor
