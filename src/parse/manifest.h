// The manifest of a snapshot (.lsm-doctor/manifest.toml): which tool made
// it, when, on which host, what was captured from where, and what could not
// be captured and why.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

struct ManifestEntry {
  std::string what;   // a path in the snapshot, or the input that is missing
  std::string detail; // where it came from, or why it is missing
};

struct SnapshotManifest {
  std::string tool;    // "lsm-doctor 0.1.0"
  std::string created; // UTC, ISO 8601
  std::string host;    // the host name, or its replacement under --redact
  bool redacted = false;
  std::vector<ManifestEntry> captured; // what = snapshot path, detail = source
  std::vector<ManifestEntry> missing;  // what = input, detail = reason
};

std::string render_manifest(const SnapshotManifest& manifest);

// Parses a manifest; unknown keys are ignored (newer tools add some), wrong
// types are errors naming `name` and the key.
Result<SnapshotManifest> parse_manifest(std::string_view text, const std::string& name);

} // namespace lsmdoctor
