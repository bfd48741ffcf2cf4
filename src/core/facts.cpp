#include "core/facts.h"

#include "parse/cmdline.h"

#include <charconv>
#include <fmt/format.h>

namespace lsmdoctor {

int KernelRelease::compare(int other_major, int other_minor, int other_patch) const {
  if (major != other_major)
    return major < other_major ? -1 : 1;
  if (minor != other_minor)
    return minor < other_minor ? -1 : 1;
  if (patch != other_patch)
    return patch < other_patch ? -1 : 1;
  return 0;
}

KernelRelease parse_kernel_release(const std::string& text) {
  KernelRelease release;
  release.text = text;
  int* parts[] = {&release.major, &release.minor, &release.patch};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc())
      break;
    p = next;
    if (p == end || *p != '.')
      break;
    ++p;
  }
  return release;
}

std::optional<std::string> KernelCmdline::last(const std::string& key) const {
  std::optional<std::string> found;
  for (const auto& param : params)
    if (param_name_equal(param.key, key))
      found = param.value.value_or("");
  return found;
}

int KernelCmdline::count(const std::string& key) const {
  int n = 0;
  for (const auto& param : params)
    if (param_name_equal(param.key, key))
      ++n;
  return n;
}

std::optional<std::string> KernelConfig::get(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end())
    return std::nullopt;
  return it->second;
}

bool KernelConfig::enabled(const std::string& name) const {
  auto value = get(name);
  return value && (*value == "y" || *value == "m");
}

const SignatureStats* KernelLog::find(const std::string& id) const {
  auto it = signatures.find(id);
  return it == signatures.end() ? nullptr : &it->second;
}

std::uint64_t KernelLog::count(const std::string& id) const {
  const auto* stats = find(id);
  return stats ? stats->matches : 0;
}

std::string AuditStatus::summary() const {
  return fmt::format("enabled={} failure={} pid={} backlog={}/{} lost={}", enabled, failure, pid,
                     backlog, backlog_limit, lost);
}

} // namespace lsmdoctor
