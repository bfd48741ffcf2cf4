// The command-line layer: options shared by every command, the one run of
// the doctor they build on, and one function per command (cmd_*.cpp).
#pragma once

#include "core/check.h"
#include "core/config.h"
#include "core/verdict.h"
#include "remedies/targets.h"
#include "render/report.h"
#include "sources/gather.h"

#include <string>
#include <vector>

namespace lsmdoctor {

extern const char* const kToolVersion;

struct Options {
  std::string root = "/";
  std::string plan;     // --plan: a planned configuration instead of a host
  std::string snapshot; // --snapshot FILE.tar|DIR
  bool redact = false;  // collect --redact
  std::string dmesg;
  std::vector<std::string> journal_files;
  std::string journal_dir;
  int boots = 1;
  std::string since;
  std::vector<std::string> audit_logs;
  std::vector<std::string> audit_rules;
  std::string format = "text";
  std::string output; // -o: write the report to this file (atomically) instead of stdout
  std::string fail_on = "error";
  std::string color = "auto";
  std::string knowledge_dir;
  std::string config;     // --config FILE (check): lsm-doctor.toml
  bool no_config = false; // --no-config (check): not even /etc/lsm-doctor.toml
  std::string target;
  bool disable_audit = false; // nixos --disable-audit
  // nixos plan: where the configuration's values come from (one of them).
  std::string from_json; // --from-json FILE|-
  std::string nix_flake; // --flake REF#HOST
  std::string nix_file;  // --file configuration.nix
  std::string explain_id;
  bool verbose = false;
};

// Everything one doctor run produced.
struct Run {
  Knowledge knowledge;
  DoctorConfig config; // empty unless the command reads the configuration
  Facts facts;
  std::vector<Finding> findings;
  Plan plan;
  bool nixos = false; // the host (or tree, or snapshot) runs NixOS
};

// Loads knowledge, gathers facts, runs the checks and plans the remedies.
// With `with_config` (check) lsm-doctor.toml is read too: its expectations
// are checked and its waivers applied.
Result<Run> run_doctor(const Options& o, bool with_config = false);

bool use_color(const std::string& mode);
// Writes a command's output to stdout, or atomically to --output; false
// (with the reason on stderr) when the file cannot be written.
bool emit(const Options& o, const std::string& text);
bool is_nixos(const std::string& root);

int cmd_check(const Options& o, FailOn fail_on);
int cmd_stack(const Options& o);
int cmd_fix(const Options& o);
int cmd_nixos(const Options& o);
int cmd_nixos_plan(const Options& o);
int cmd_explain(const Options& o);
int cmd_collect(const Options& o);

} // namespace lsmdoctor
