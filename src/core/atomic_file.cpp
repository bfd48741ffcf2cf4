#include "core/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {

namespace {

Error os_error(const std::string& what, const std::string& path, int err) {
  return Error{fmt::format("{}: {}: {}", path, what, std::strerror(err))};
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

} // namespace

Result<bool> write_file_atomically(const std::string& path, const std::string& content,
                                   unsigned mode) {
  if (path.empty())
    return Error{"output path is empty"};
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return Error{fmt::format("{}: exists and is not a regular file (a link, directory or device); "
                             "refusing to replace it",
                             path)};
  std::random_device random;
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = fmt::format("{}/.{}.{:08x}.tmp", directory_of(path),
                       path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1),
                       random());
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0 && errno != EEXIST)
      return os_error("cannot create a temporary file beside it", path, errno);
  }
  if (fd < 0)
    return Error{fmt::format("{}: cannot create a temporary file beside it", path)};
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return os_error("write failed", path, err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(temp.c_str());
    return os_error("cannot rename the temporary file into place", path, err);
  }
  return true;
}

} // namespace lsmdoctor
