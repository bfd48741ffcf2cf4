#include "sources/kernel_interfaces.h"

#include "parse/kernel_log.h"
#include "parse/line_reader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461 // asm-generic and x86_64 (v6.8)
#endif

namespace lsmdoctor {

Result<std::vector<std::uint64_t>> lsm_list_modules() {
  std::vector<std::uint64_t> ids(32);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto size = static_cast<std::uint32_t>(ids.size() * sizeof(std::uint64_t));
    long n = ::syscall(__NR_lsm_list_modules, ids.data(), &size, 0U);
    if (n >= 0) {
      ids.resize(static_cast<std::size_t>(n));
      return ids;
    }
    if (errno == E2BIG) {
      ids.resize(size / sizeof(std::uint64_t) + 1);
      continue;
    }
    if (errno == ENOSYS)
      return make_error("lsm_list_modules(2) does not exist on this kernel (added in 6.8)");
    return make_error(fmt::format("lsm_list_modules(2) failed: {}", std::strerror(errno)));
  }
  return make_error("lsm_list_modules(2) kept asking for a larger buffer");
}

namespace {

// Calls `on_record` with the first line of every /dev/kmsg record
// ("prefix;message"; the " KEY=value" lines after it are dropped).
Result<bool> for_each_kmsg_record(const std::function<void(std::string_view)>& on_record) {
  int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == EPERM || err == EACCES)
      return make_error("/dev/kmsg: permission denied (kernel.dmesg_restrict is set; run as root)");
    return make_error(fmt::format("/dev/kmsg: {}", std::strerror(err)));
  }
  std::vector<char> record(std::size_t{16} * 1024);
  while (true) {
    ssize_t n = ::read(fd, record.data(), record.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EPIPE) // overwritten while reading: continue with the next record
        continue;
      if (errno == EAGAIN)
        break;
      int err = errno;
      ::close(fd);
      return make_error(fmt::format("/dev/kmsg: read failed: {}", std::strerror(err)));
    }
    if (n == 0)
      break;
    std::string_view text(record.data(), static_cast<std::size_t>(n));
    on_record(text.substr(0, text.find('\n')));
  }
  ::close(fd);
  return true;
}

// The whole ring buffer as syslog(2) READ_ALL text.
Result<std::string> read_syslog_buffer() {
  int size = ::klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, nullptr, 0);
  if (size < 0) {
    if (errno == EPERM)
      return make_error("syslog(2): permission denied (kernel.dmesg_restrict is set; run as root)");
    return make_error(fmt::format("syslog(2): {}", std::strerror(errno)));
  }
  std::string buffer(static_cast<std::size_t>(size), '\0');
  int n = ::klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buffer.data(), size);
  if (n < 0)
    return make_error(fmt::format("syslog(2) READ_ALL: {}", std::strerror(errno)));
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

Result<KernelLog> read_kmsg(const Knowledge& knowledge) {
  KernelLogScanner scanner(knowledge, "/dev/kmsg");
  std::size_t number = 0;
  TRY(ok, for_each_kmsg_record([&](std::string_view line) { scanner.add(++number, line); }));
  (void)ok;
  return std::move(scanner).finish();
}

Result<KernelLog> read_syslog(const Knowledge& knowledge) {
  TRY(buffer, read_syslog_buffer());
  KernelLogScanner scanner(knowledge, "syslog(2)");
  std::size_t number = 0;
  std::string_view rest = buffer;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    scanner.add(++number, rest.substr(0, nl));
    if (nl == std::string_view::npos)
      break;
    rest.remove_prefix(nl + 1);
  }
  return std::move(scanner).finish();
}

} // namespace

Result<KernelLog> read_live_kernel_log(const Knowledge& knowledge) {
  auto kmsg = read_kmsg(knowledge);
  if (kmsg)
    return kmsg;
  auto syslog = read_syslog(knowledge);
  if (syslog)
    return syslog;
  return make_error(kmsg.error().message + "; " + syslog.error().message);
}

Result<std::string> read_live_kernel_log_text(std::string& source) {
  std::string text;
  auto kmsg = for_each_kmsg_record([&](std::string_view line) {
    text.append(line);
    text += '\n';
  });
  if (kmsg) {
    source = "/dev/kmsg";
    return text;
  }
  auto syslog = read_syslog_buffer();
  if (syslog) {
    source = "syslog(2)";
    return syslog;
  }
  return make_error(kmsg.error().message + "; " + syslog.error().message);
}

KernelConfig parse_kernel_config_line_by_line(const std::string& text) {
  KernelConfig config;
  for (auto [number, line] : TextLines(text)) {
    if (line.rfind("CONFIG_", 0) == 0) {
      std::size_t eq = line.find('=');
      if (eq == std::string_view::npos)
        continue;
      std::string value(line.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      config.options[std::string(line.substr(0, eq))] = value;
    } else if (line.rfind("# CONFIG_", 0) == 0) {
      std::size_t end = line.find(" is not set");
      if (end != std::string_view::npos)
        config.options[std::string(line.substr(2, end - 2))].assign(
            1, 'n'); // not = "n": GCC 12 -Wrestrict false positive (PR 105329)
    }
  }
  return config;
}

Result<KernelConfig> read_kernel_config(const std::string& path) {
  bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (!gz) {
    TRY(text, read_small_file(path, 8 << 20));
    return parse_kernel_config_line_by_line(text);
  }
  TRY(compressed, read_small_file(path, 4 << 20));
  z_stream stream{};
  if (::inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
    return make_error(fmt::format("{}: zlib could not start", path));
  stream.next_in = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string text;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buf);
    stream.avail_out = sizeof buf;
    rc = ::inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      ::inflateEnd(&stream);
      return make_error(fmt::format("{}: not a valid gzip file", path));
    }
    text.append(buf, sizeof buf - stream.avail_out);
    if (text.size() > (32 << 20)) {
      ::inflateEnd(&stream);
      return make_error(fmt::format("{}: larger than 32 MiB uncompressed; refused", path));
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      ::inflateEnd(&stream);
      return make_error(fmt::format("{}: truncated gzip file", path));
    }
  }
  ::inflateEnd(&stream);
  return parse_kernel_config_line_by_line(text);
}

} // namespace lsmdoctor
