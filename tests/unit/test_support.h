// Helpers for unit tests: facts built by hand, each with a plausible source,
// and the built-in knowledge loaded once.
#pragma once

#include "core/check.h"
#include "core/facts.h"
#include "core/knowledge.h"
#include "parse/cmdline.h"
#include "parse/kernel_log.h"
#include "parse/lsm_list.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor::test {

// Every "${" in `text` is preceded by a backslash (no Nix interpolation).
inline bool interpolation_escaped(const std::string& text) {
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 1))
    if (at == 0 || text[at - 1] != '\\')
      return false;
  return true;
}

inline const Knowledge& knowledge() {
  static const Knowledge k = [] {
    auto loaded = builtin_knowledge();
    if (!loaded)
      throw std::runtime_error(loaded.error().message);
    return std::move(loaded).value();
  }();
  return k;
}

inline Fact<KernelCmdline> cmdline(std::string_view text) {
  return Fact<KernelCmdline>::known(parse_cmdline(text), {"/proc/cmdline"});
}

inline Fact<std::vector<std::string>> active(std::string_view list) {
  return Fact<std::vector<std::string>>::known(parse_lsm_list(list).names,
                                               {"/sys/kernel/security/lsm"});
}

inline Fact<KernelRelease> kernel(const std::string& release) {
  return Fact<KernelRelease>::known(parse_kernel_release(release), {"/proc/sys/kernel/osrelease"});
}

inline Fact<KernelConfig> kconfig(std::map<std::string, std::string> options) {
  KernelConfig config;
  config.options = std::move(options);
  return Fact<KernelConfig>::known(std::move(config), {"/proc/config.gz"});
}

inline KernelLog scan(std::initializer_list<std::string_view> lines) {
  KernelLogScanner scanner(knowledge(), "dmesg.txt");
  std::size_t n = 0;
  for (auto line : lines)
    scanner.add(++n, line);
  return std::move(scanner).finish();
}

inline Fact<KernelLog> kernel_log(std::initializer_list<std::string_view> lines) {
  return Fact<KernelLog>::known(scan(lines), {"dmesg.txt"});
}

// Runs one check on `facts` with the built-in knowledge.
inline Finding run_check(const CheckDef& def, const Facts& facts) {
  return def.run(CheckContext{facts, knowledge()});
}

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lsmd-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `name` (a relative path; missing directories are made).
  std::string write(const std::string& name, std::string_view content) const {
    std::filesystem::create_directories((path_ / name).parent_path());
    std::ofstream out(path_ / name, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return file(name);
  }

private:
  std::filesystem::path path_;
};

} // namespace lsmdoctor::test
