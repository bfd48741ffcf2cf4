// One run of the doctor, shared by every command that reads a host.
#include "checks/plan_scope.h"
#include "cli/cli.h"
#include "core/atomic_file.h"
#include "core/snapshot_paths.h"
#include "core/waivers.h"
#include "sources/config_file.h"
#include "sources/plan_file.h"
#include "sources/snapshot.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor {

const char* const kToolVersion = LSM_DOCTOR_VERSION;

bool use_color(const std::string& mode) {
  if (mode == "always")
    return true;
  if (mode == "never")
    return false;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
}

bool emit(const Options& o, const std::string& text) {
  if (o.output.empty() || o.output == "-") {
    std::cout << text;
    return true;
  }
  auto written = write_file_atomically(o.output, text);
  if (!written)
    std::cerr << "lsm-doctor: " << written.error().message << "\n";
  return written.has_value();
}

bool is_nixos(const std::string& root) {
  struct stat st {};
  return ::stat(under_root(root, "/etc/NIXOS").c_str(), &st) == 0 ||
         ::stat(under_root(root, "/run/current-system").c_str(), &st) == 0;
}

namespace {

// A progress line on standard error for long journal scans: only on a
// terminal, only once the scan has taken a second, erased when it ends.
class ProgressLine {
public:
  ProgressLine() : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() {
    if (shown_)
      std::fputs("\r\x1b[K", stderr);
  }

  void update(std::uint64_t done, std::size_t part, std::size_t parts) {
    if (!enabled_)
      return;
    auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100))
      return;
    last_ = now;
    shown_ = true;
    if (parts == 0)
      std::fprintf(stderr, "\r\x1b[Klsm-doctor: journal: %llu distinct messages listed",
                   static_cast<unsigned long long>(done));
    else
      std::fprintf(stderr, "\r\x1b[Klsm-doctor: journal: %llu messages counted (%zu/%zu)",
                   static_cast<unsigned long long>(done), part, parts);
    std::fflush(stderr);
  }

private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

// The day waivers are judged against: $LSMD_TODAY (YYYY-MM-DD, so tests
// do not depend on the calendar), else the local date.
Result<LocalDate> today() {
  if (const char* forced = std::getenv("LSMD_TODAY"); forced && *forced) {
    if (auto date = parse_local_date(forced))
      return *date;
    return make_error(fmt::format("LSMD_TODAY={}: not a date such as 2027-01-31", forced));
  }
  std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  return LocalDate{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

// --config FILE, else /etc/lsm-doctor.toml when it exists ($LSMD_DEFAULT_CONFIG
// replaces that path, for tests), unless --no-config.
Result<DoctorConfig> run_config(const Options& o, const Knowledge& knowledge) {
  if (o.no_config)
    return DoctorConfig{};
  const char* default_path = std::getenv("LSMD_DEFAULT_CONFIG");
  TRY(config, load_config(o.config, default_path ? default_path : kDefaultConfigPath, knowledge));
  TRY(day, today());
  config.today = day;
  return config;
}

// Runs the checks with the configuration and applies its waivers.
void judge_facts(Run& run, bool plan) {
  const DoctorConfig* config = run.config.file.empty() ? nullptr : &run.config;
  run.findings = run_checks(CheckContext{run.facts, run.knowledge, config});
  if (plan)
    checks::scope_to_plan(run.findings);
  for (auto& note : apply_waivers(run.findings, run.config, run.facts))
    run.facts.warnings.push_back(std::move(note));
}

} // namespace

Result<Run> run_doctor(const Options& o, bool with_config) {
  Run run;
  auto knowledge = o.knowledge_dir.empty() ? builtin_knowledge() : load_knowledge(o.knowledge_dir);
  if (!knowledge)
    return knowledge.error();
  run.knowledge = std::move(*knowledge);
  if (with_config) {
    auto config = run_config(o, run.knowledge);
    if (!config)
      return config.error();
    run.config = std::move(*config);
  }
  if (!o.plan.empty()) {
    auto facts = read_plan(o.plan, run.knowledge, o.audit_rules);
    if (!facts)
      return facts.error();
    run.facts = std::move(*facts);
    judge_facts(run, true);
    run.plan = make_plan(run.facts, run.knowledge, run.findings);
    run.nixos = is_nixos(o.root);
    return run;
  }
  GatherOptions gather;
  gather.root = o.root;
  // A tar snapshot is extracted into a private directory that lives until
  // the facts are gathered.
  SnapshotTree snapshot;
  if (!o.snapshot.empty()) {
    auto opened = open_snapshot(o.snapshot);
    if (!opened)
      return opened.error();
    snapshot = std::move(*opened);
    gather.root = snapshot.root;
  }
  if (!o.dmesg.empty())
    gather.dmesg_file = o.dmesg;
  gather.journal_files = o.journal_files;
  if (!o.journal_dir.empty())
    gather.journal_dir = o.journal_dir;
  gather.boots = o.boots;
  gather.since = o.since;
  gather.audit_logs = o.audit_logs;
  gather.audit_rules = o.audit_rules;
  {
    ProgressLine progress;
    gather.progress = [&](std::uint64_t done, std::size_t part, std::size_t parts) {
      progress.update(done, part, parts);
    };
    run.facts = gather_facts(gather, run.knowledge);
  }
  run.nixos = is_nixos(gather.root);
  if (!o.snapshot.empty()) {
    run.facts.origin = Origin::snapshot;
    run.facts.root = o.snapshot;
    run.facts.warnings.insert(run.facts.warnings.begin(), snapshot.warnings.begin(),
                              snapshot.warnings.end());
    // collect keeps /etc/hostname out of the snapshot; its manifest names
    // the host (or its replacement under --redact).
    if (!run.facts.hostname.is_known() && snapshot.manifest && !snapshot.manifest->host.empty())
      run.facts.hostname = Fact<std::string>::known(snapshot.manifest->host,
                                                    {o.snapshot + ":/.lsm-doctor/manifest.toml"});
  }
  judge_facts(run, false);
  run.plan = make_plan(run.facts, run.knowledge, run.findings);
  if (!o.snapshot.empty())
    name_paths_in_snapshot(gather.root, o.snapshot, run.facts, run.findings, run.plan);
  return run;
}

} // namespace lsmdoctor
