#include "sources/lsm_probes.h"

#include "parse/line_reader.h"
#include "sources/gather.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fmt/format.h>
#include <linux/bpf.h>
#include <map>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

constexpr long kLandlockCreateRuleset = 444; // asm-generic and x86_64
constexpr long kLsmGetSelfAttr = 459;        // 6.8+, asm-generic and x86_64
constexpr unsigned kLandlockVersionFlag = 1; // LANDLOCK_CREATE_RULESET_VERSION
constexpr unsigned kLsmAttrCurrent = 100;    // LSM_ATTR_CURRENT
constexpr unsigned kBpfProgTypeLsm = 29;     // BPF_PROG_TYPE_LSM
constexpr int kLandlockAuditAbi = 7;         // Landlock audit support, 6.15

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0'))
    s.pop_back();
  return s;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Reads a small file; nullopt with `reason` set when it cannot.
std::optional<std::string> read_text(const std::string& path, std::string& reason) {
  auto text = read_small_file(path, 1 << 20);
  if (!text) {
    reason = text.error().message;
    return std::nullopt;
  }
  return trimmed(*text);
}

std::size_t directory_entries(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d)
    return 0;
  std::size_t n = 0;
  while (const dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      ++n;
  ::closedir(d);
  return n;
}

LsmProbe absent(const std::string& lsm, const std::string& path) {
  LsmProbe p;
  p.lsm = lsm;
  p.known = true;
  p.present = false;
  p.status = "not running (no " + path + ")";
  p.source = path;
  return p;
}

LsmProbe unknown_probe(const std::string& lsm, const std::string& source, std::string reason) {
  LsmProbe p;
  p.lsm = lsm;
  p.source = source;
  p.reason = std::move(reason);
  return p;
}

LsmProbe probe_selinux(const std::string& root) {
  std::string path = under_root(root, "/sys/fs/selinux/enforce");
  if (!exists(under_root(root, "/sys/fs/selinux")))
    return absent("selinux", "/sys/fs/selinux");
  std::string reason;
  auto enforce = read_text(path, reason);
  if (!enforce)
    return unknown_probe("selinux", path, reason + " (is selinuxfs mounted?)");
  LsmProbe p;
  p.lsm = "selinux";
  p.known = true;
  p.present = true;
  p.source = "/sys/fs/selinux/enforce";
  bool loaded = directory_entries(under_root(root, "/sys/fs/selinux/class")) > 0;
  p.status = fmt::format("{}, {}", *enforce == "1" ? "enforcing" : "permissive",
                         loaded ? "policy loaded" : "no policy loaded");
  return p;
}

LsmProbe probe_apparmor(const std::string& root) {
  std::string enabled_path = under_root(root, "/sys/module/apparmor/parameters/enabled");
  std::string reason;
  auto enabled = read_text(enabled_path, reason);
  if (!enabled)
    return exists(under_root(root, "/sys/module/apparmor"))
               ? unknown_probe("apparmor", "/sys/module/apparmor/parameters/enabled", reason)
               : absent("apparmor", "/sys/module/apparmor");
  LsmProbe p;
  p.lsm = "apparmor";
  p.known = true;
  p.present = *enabled == "Y";
  p.source = "/sys/module/apparmor/parameters/enabled";
  if (!p.present) {
    p.status = "built in, disabled";
    return p;
  }
  std::string profiles_reason;
  auto profiles =
      read_text(under_root(root, "/sys/kernel/security/apparmor/profiles"), profiles_reason);
  if (profiles) {
    p.status = "enabled, " + apparmor_profiles_status(*profiles);
    p.source += ", /sys/kernel/security/apparmor/profiles";
  } else {
    p.status = "enabled; profiles unknown (" + profiles_reason +
               "; run as root with securityfs "
               "mounted)";
  }
  return p;
}

LsmProbe probe_file_value(const std::string& root, const std::string& lsm, const std::string& path,
                          const std::string& label) {
  std::string reason;
  auto value = read_text(under_root(root, path), reason);
  if (!value)
    return exists(under_root(root, path)) ? unknown_probe(lsm, path, reason) : absent(lsm, path);
  LsmProbe p;
  p.lsm = lsm;
  p.known = true;
  p.present = true;
  p.source = path;
  p.status = label + " " + *value;
  return p;
}

// Files under /sys/kernel/security exist only with securityfs mounted.
bool securityfs_missing(const std::string& root, const std::string& path) {
  return path.rfind("/sys/kernel/security/", 0) == 0 &&
         !exists(under_root(root, "/sys/kernel/security/lsm"));
}

LsmProbe probe_directory(const std::string& root, const std::string& lsm, const std::string& path) {
  if (securityfs_missing(root, path))
    return unknown_probe(lsm, path,
                         "securityfs is not mounted (mount -t securityfs securityfs "
                         "/sys/kernel/security)");
  if (!exists(under_root(root, path)))
    return absent(lsm, path);
  LsmProbe p;
  p.lsm = lsm;
  p.known = true;
  p.present = true;
  p.source = path;
  p.status = "running";
  return p;
}

LsmProbe probe_lockdown(const std::string& root) {
  std::string path = "/sys/kernel/security/lockdown";
  std::string reason;
  auto text = read_text(under_root(root, path), reason);
  if (!text && !securityfs_missing(root, path) && !exists(under_root(root, path)))
    return absent("lockdown", path);
  if (!text)
    return unknown_probe("lockdown", path, reason + " (securityfs not mounted or not root)");
  LsmProbe p;
  p.lsm = "lockdown";
  p.known = true;
  p.present = true;
  p.source = path;
  p.status = "mode " + lockdown_mode(*text);
  return p;
}

LsmProbe probe_landlock(bool live, std::optional<int>& abi) {
  if (!live)
    return unknown_probe("landlock", "landlock_create_ruleset(2)",
                         "a system call of the running kernel; not asked under --root");
  long rc = ::syscall(kLandlockCreateRuleset, nullptr, 0, kLandlockVersionFlag);
  if (rc < 0) {
    int err = errno;
    if (err == EOPNOTSUPP || err == ENOSYS) {
      LsmProbe p = absent("landlock", "landlock_create_ruleset(2)");
      p.status = err == ENOSYS ? "not built in (ENOSYS)" : "disabled at boot (EOPNOTSUPP)";
      return p;
    }
    return unknown_probe("landlock", "landlock_create_ruleset(2)", std::strerror(err));
  }
  abi = static_cast<int>(rc);
  LsmProbe p;
  p.lsm = "landlock";
  p.known = true;
  p.present = true;
  p.source = "landlock_create_ruleset(2)";
  p.status = fmt::format("ABI {}, {}", rc,
                         rc >= kLandlockAuditAbi ? "denials are logged to audit"
                                                 : "no audit records before ABI 7 (6.15)");
  return p;
}

// Counts loaded BPF programs of type LSM (needs CAP_SYS_ADMIN/CAP_BPF).
LsmProbe probe_bpf(bool live, std::optional<int>& count) {
  const char* source = "bpf(BPF_PROG_GET_NEXT_ID, BPF_OBJ_GET_INFO_BY_FD)";
  if (!live)
    return unknown_probe("bpf", source,
                         "a system call of the running kernel; not asked under --root");
  int programs = 0;
  std::uint32_t id = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    union bpf_attr attr {};
    attr.start_id = id;
    if (::syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) != 0) {
      if (errno == ENOENT)
        break;
      return unknown_probe("bpf", source, fmt::format("{} (run as root)", std::strerror(errno)));
    }
    id = attr.next_id;
    union bpf_attr get {};
    get.prog_id = id;
    long fd = ::syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &get, sizeof(get));
    if (fd < 0)
      continue; // unloaded meanwhile
    struct bpf_prog_info info {};
    union bpf_attr query {};
    query.info.bpf_fd = static_cast<std::uint32_t>(fd);
    query.info.info_len = sizeof(info);
    query.info.info = reinterpret_cast<std::uint64_t>(&info);
    if (::syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &query, sizeof(query)) == 0 &&
        info.type == kBpfProgTypeLsm)
      ++programs;
    ::close(static_cast<int>(fd));
  }
  count = programs;
  LsmProbe p;
  p.lsm = "bpf";
  p.known = true;
  p.present = true;
  p.source = source;
  p.status = fmt::format("{} BPF LSM program{} loaded", programs, programs == 1 ? "" : "s");
  return p;
}

void probe_self(bool live, const std::string& root, const Knowledge& knowledge, ProbeFacts& out) {
  if (!live) {
    out.self_reason = "this process's contexts are only known on the running host";
    return;
  }
  std::vector<unsigned char> buffer(4096);
  std::uint32_t size = static_cast<std::uint32_t>(buffer.size());
  long n = ::syscall(kLsmGetSelfAttr, kLsmAttrCurrent, buffer.data(), &size, 0);
  if (n >= 0) {
    out.self = parse_lsm_ctx_buffer(buffer.data(), size, knowledge);
  } else {
    out.self_reason = fmt::format("lsm_get_self_attr(2): {}", std::strerror(errno));
  }
  if (!out.self.empty())
    return;
  for (const char* lsm : {"apparmor", "smack"}) {
    std::string path = fmt::format("/proc/self/attr/{}/current", lsm);
    std::string reason;
    if (auto text = read_text(under_root(root, path), reason); text && !text->empty())
      out.self.push_back(SelfContext{lsm, *text, path});
  }
  if (out.self.empty() && out.self_reason.empty())
    out.self_reason = "no module reported a context";
}

} // namespace

std::string apparmor_profiles_status(const std::string& text) {
  std::map<std::string, int> modes;
  int total = 0;
  for (auto [number, view] : TextLines(text)) {
    std::string line(view);
    if (line.empty())
      continue;
    ++total;
    std::size_t open = line.rfind(" (");
    if (open != std::string::npos && line.back() == ')')
      ++modes[line.substr(open + 2, line.size() - open - 3)];
    else
      ++modes["unknown"];
  }
  if (total == 0)
    return "no profiles loaded";
  std::string out = fmt::format("{} profile{}", total, total == 1 ? "" : "s");
  std::string sep = ": ";
  for (const auto& [mode, count] : modes) {
    out += fmt::format("{}{} {}", sep, count, mode);
    sep = ", ";
  }
  return out;
}

std::string lockdown_mode(const std::string& text) {
  std::size_t open = text.find('[');
  std::size_t close = text.find(']', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos)
    return "unknown";
  return text.substr(open + 1, close - open - 1);
}

std::vector<SelfContext> parse_lsm_ctx_buffer(const unsigned char* data, std::size_t size,
                                              const Knowledge& knowledge) {
  // struct lsm_ctx { __u64 id, flags, len, ctx_len; __u8 ctx[]; }
  constexpr std::size_t kHeader = 32;
  std::vector<SelfContext> out;
  std::size_t offset = 0;
  while (offset + kHeader <= size && out.size() < 64) {
    std::uint64_t head[4];
    std::memcpy(head, data + offset, sizeof(head));
    std::uint64_t id = head[0];
    std::uint64_t len = head[2];
    std::uint64_t ctx_len = head[3];
    if (len < kHeader || len > size - offset || ctx_len > len - kHeader)
      break;
    std::string ctx(reinterpret_cast<const char*>(data + offset + kHeader), ctx_len);
    while (!ctx.empty() && (ctx.back() == '\0' || ctx.back() == '\n'))
      ctx.pop_back();
    const LsmTrait* trait = knowledge.lsm_by_id(static_cast<int>(id));
    out.push_back(
        SelfContext{trait ? trait->name : fmt::format("lsm-{}", id), ctx, "lsm_get_self_attr(2)"});
    offset += len;
  }
  return out;
}

ProbeFacts probe_lsms(const std::string& root, bool live, const Knowledge& knowledge) {
  ProbeFacts out;
  out.modules.push_back(probe_selinux(root));
  out.modules.push_back(probe_apparmor(root));
  out.modules.push_back(probe_directory(root, "smack", "/sys/fs/smackfs"));
  out.modules.push_back(probe_directory(root, "tomoyo", "/sys/kernel/security/tomoyo"));
  out.modules.push_back(
      probe_file_value(root, "yama", "/proc/sys/kernel/yama/ptrace_scope", "ptrace_scope"));
  out.modules.push_back(probe_lockdown(root));
  out.modules.push_back(probe_directory(root, "ipe", "/sys/kernel/security/ipe"));
  out.modules.push_back(
      probe_file_value(root, "loadpin", "/proc/sys/kernel/loadpin/enforce", "enforce"));
  out.modules.push_back(probe_directory(root, "safesetid", "/sys/kernel/security/safesetid"));
  out.modules.push_back(probe_landlock(live, out.landlock_abi));
  out.modules.push_back(probe_bpf(live, out.bpf_lsm_programs));
  probe_self(live, root, knowledge, out);
  return out;
}

} // namespace lsmdoctor
