#include "sources/snapshot.h"

#include "parse/line_reader.h"
#include "parse/tar.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {
namespace {

int remove_entry(const char* path, const struct stat* /*st*/, int /*flag*/, struct FTW* /*ftw*/) {
  ::remove(path);
  return 0;
}

void remove_tree(const std::string& dir) {
  if (!dir.empty())
    ::nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

std::string normalized(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty() && part != ".")
      out += (out.empty() ? "" : "/") + part;
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

// mkdir -p of a relative path below `dir` (no links exist below it: the
// extractor never creates any, and the directory is private).
bool make_parents(const std::string& dir, const std::string& rel, bool include_last) {
  std::size_t at = 0;
  while (true) {
    std::size_t slash = rel.find('/', at);
    if (slash == std::string::npos && !include_last)
      return true;
    std::string part = dir + "/" + rel.substr(0, slash);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return false;
    struct stat st {};
    if (::lstat(part.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return false;
    if (slash == std::string::npos)
      return true;
    at = slash + 1;
  }
}

std::string type_name(char type) {
  switch (type) {
  case '1':
    return "a hard link";
  case '2':
    return "a symbolic link";
  case '3':
  case '4':
    return "a device";
  case '6':
    return "a FIFO";
  case 'x':
  case 'g':
    return "a pax extended header";
  case 'L':
  case 'K':
    return "a GNU long-name header";
  default:
    return fmt::format("an entry of type '{}'", type);
  }
}

} // namespace

SnapshotTree::SnapshotTree(SnapshotTree&& other) noexcept
    : root(std::move(other.root)), warnings(std::move(other.warnings)),
      manifest(std::move(other.manifest)), temp_dir_(std::move(other.temp_dir_)) {
  other.temp_dir_.clear();
}

SnapshotTree& SnapshotTree::operator=(SnapshotTree&& other) noexcept {
  if (this != &other) {
    remove_tree(temp_dir_);
    root = std::move(other.root);
    warnings = std::move(other.warnings);
    manifest = std::move(other.manifest);
    temp_dir_ = std::move(other.temp_dir_);
    other.temp_dir_.clear();
  }
  return *this;
}

SnapshotTree::~SnapshotTree() {
  remove_tree(temp_dir_);
}

Result<bool> extract_tar(int fd, const std::string& name, const std::string& dir,
                         const SnapshotLimits& limits, std::vector<std::string>& warnings) {
  TarReader reader(
      [fd](char* buf, std::size_t size) -> long {
        while (true) {
          ssize_t n = ::read(fd, buf, size);
          if (n >= 0 || errno != EINTR)
            return static_cast<long>(n);
        }
      },
      name);
  std::uint64_t total = 0;
  std::size_t members = 0;
  while (true) {
    TRY(member, reader.next());
    if (!member)
      return true;
    if (++members > limits.members) {
      warnings.push_back(
          fmt::format("{}: more than {} members; the rest is ignored", name, limits.members));
      return true;
    }
    auto refuse = [&](const std::string& why) {
      warnings.push_back(
          fmt::format("{}: member '{}' refused: {}", name, member->path.substr(0, 200), why));
    };
    if (auto unsafe = unsafe_member_path(member->path)) {
      refuse(*unsafe);
      continue;
    }
    std::string rel = normalized(member->path);
    if (member->type == '1' || member->type == '2') {
      bool outside = member->link.empty() || member->link.front() == '/' ||
                     unsafe_member_path(member->link).has_value();
      refuse(fmt::format("{} to '{}'{}; a snapshot holds no links", type_name(member->type),
                         member->link.substr(0, 200),
                         outside ? " (points outside the snapshot)" : ""));
      continue;
    }
    if (member->type == '5') {
      if (!make_parents(dir, rel, true))
        refuse(fmt::format("cannot create the directory: {}", std::strerror(errno)));
      continue;
    }
    if (member->type != '0' && member->type != '7') {
      refuse(type_name(member->type) + " is not extracted");
      continue;
    }
    if (member->size > limits.member_bytes) {
      refuse(fmt::format("{} bytes, more than the limit of {}", member->size, limits.member_bytes));
      continue;
    }
    if (total + member->size > limits.total_bytes) {
      refuse(fmt::format("the snapshot would exceed {} bytes in all", limits.total_bytes));
      continue;
    }
    total += member->size;
    if (!make_parents(dir, rel, false)) {
      refuse(fmt::format("cannot create its directory: {}", std::strerror(errno)));
      continue;
    }
    std::string path = dir + "/" + rel;
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
      refuse(errno == EEXIST ? std::string("a second member of that name")
                             : fmt::format("cannot create it: {}", std::strerror(errno)));
      continue;
    }
    bool write_failed = false;
    auto written = reader.read_data(
        [&](std::string_view chunk) {
          while (!chunk.empty() && !write_failed) {
            ssize_t n = ::write(out, chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR)
              continue;
            if (n <= 0) {
              write_failed = true;
              break;
            }
            chunk.remove_prefix(static_cast<std::size_t>(n));
          }
        },
        limits.member_bytes);
    ::close(out);
    if (!written)
      return written.error();
    if (write_failed)
      return make_error(fmt::format("{}: extracting '{}' into {} failed", name, rel, dir));
  }
}

Result<SnapshotTree> open_snapshot(const std::string& path, const SnapshotLimits& limits) {
  SnapshotTree tree;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(fmt::format("--snapshot {}: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) {
    tree.root = path;
  } else if (S_ISREG(st.st_mode)) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        fmt::format("{}/lsm-doctor-snapshot-XXXXXX", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    if (::mkdtemp(pattern.data()) == nullptr)
      return make_error(fmt::format("--snapshot {}: cannot make a private directory: {}", path,
                                    std::strerror(errno)));
    tree.temp_dir_ = pattern;
    tree.root = pattern;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return make_error(fmt::format("--snapshot {}: {}", path, std::strerror(errno)));
    auto extracted = extract_tar(fd, path, tree.root, limits, tree.warnings);
    ::close(fd);
    if (!extracted)
      return extracted.error();
  } else {
    return make_error(
        fmt::format("--snapshot {}: not a tar file or a directory (FIFO, socket or device)", path));
  }
  std::string manifest_path = tree.root + "/.lsm-doctor/manifest.toml";
  struct stat mst {};
  if (::stat(manifest_path.c_str(), &mst) != 0) {
    tree.warnings.push_back(
        fmt::format("{}: no .lsm-doctor/manifest.toml; not made by `lsm-doctor collect`?", path));
    return tree;
  }
  auto text = read_small_file(manifest_path, std::size_t{1} << 20);
  if (!text) {
    tree.warnings.push_back(text.error().message);
    return tree;
  }
  auto manifest = parse_manifest(*text, path + ":/.lsm-doctor/manifest.toml");
  if (!manifest) {
    tree.warnings.push_back(manifest.error().message);
    return tree;
  }
  for (const auto& m : manifest->missing)
    tree.warnings.push_back(fmt::format("{}: {} was not captured: {}", path, m.what, m.detail));
  tree.manifest = std::move(*manifest);
  return tree;
}

} // namespace lsmdoctor
