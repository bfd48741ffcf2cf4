// Reading a snapshot made by `lsm-doctor collect`: a directory is read in
// place; a tar archive is extracted into a private temporary directory that
// is removed again when the SnapshotTree goes away. Nothing is written
// anywhere else.
#pragma once

#include "core/result.h"
#include "parse/manifest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor {

struct SnapshotLimits {
  std::uint64_t member_bytes = std::uint64_t{256} << 20; // one member
  std::uint64_t total_bytes = std::uint64_t{1} << 30;    // all members
  std::size_t members = 100000;
};

class SnapshotTree {
public:
  SnapshotTree() = default;
  SnapshotTree(const SnapshotTree&) = delete;
  SnapshotTree& operator=(const SnapshotTree&) = delete;
  SnapshotTree(SnapshotTree&& other) noexcept;
  SnapshotTree& operator=(SnapshotTree&& other) noexcept;
  ~SnapshotTree();

  std::string root;                  // read it like --root
  std::vector<std::string> warnings; // refused members, what was not captured
  std::optional<SnapshotManifest> manifest;

private:
  friend Result<SnapshotTree> open_snapshot(const std::string&, const SnapshotLimits&);
  std::string temp_dir_; // removed by the destructor when not empty
};

// Opens FILE.tar or DIR. Every refused archive member (absolute path, '..',
// a link, a device, too large) becomes a warning naming the member; an
// archive that cannot be read at all is an error naming the file.
Result<SnapshotTree> open_snapshot(const std::string& path, const SnapshotLimits& limits = {});

// Extracts a ustar stream into the existing empty directory `dir`; refusals
// are appended to `warnings`. Exposed for tests and the fuzz target.
Result<bool> extract_tar(int fd, const std::string& name, const std::string& dir,
                         const SnapshotLimits& limits, std::vector<std::string>& warnings);

} // namespace lsmdoctor
