// audit.history.onset on hand-made journal histories.
#include "checks/checks.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;

namespace {

BootKernelLog boot(int n, const std::string& kernel, std::uint64_t errors) {
  BootKernelLog b;
  b.boot_id = static_cast<char>('a' + n) + std::string(31, '0');
  b.kernel = kernel;
  b.first_usec = 1766000000000000ULL + static_cast<std::uint64_t>(n) * 86400000000ULL;
  b.last_usec = b.first_usec + 1000;
  b.kernel_messages = 100 + errors;
  if (errors > 0) {
    auto& s = b.signatures["subj-ctx-error"];
    s.matches = s.total = errors;
    s.first_usec = b.first_usec + 10;
    s.last_usec = b.first_usec + 20;
    s.first_message = "audit: error in audit_log_subj_ctx";
  }
  return b;
}

Finding run_with(std::vector<BootKernelLog> boots) {
  static const Knowledge knowledge;
  Facts facts;
  JournalHistory h;
  h.source = "x.journal";
  h.boots_in_journal = boots.size();
  h.boots = std::move(boots);
  facts.journal = Fact<JournalHistory>::known(std::move(h), {"x.journal"});
  return checks::audit_history_onset.run(CheckContext{facts, knowledge});
}

} // namespace

TEST_CASE("audit.history.onset: a system without a journal", "[checks][history]") {
  static const Knowledge knowledge;
  Facts facts;
  facts.journal = Fact<JournalHistory>::unknown("the system journal is empty");
  CHECK(checks::audit_history_onset.run(CheckContext{facts, knowledge}).status == Status::unknown);
  JournalHistory none;
  none.source = "the system journal";
  none.no_journal = "this system was not booted with systemd, so it keeps no journal";
  facts.journal = Fact<JournalHistory>::known(none, {"/run/systemd/system"});
  Finding f = checks::audit_history_onset.run(CheckContext{facts, knowledge});
  CHECK(f.status == Status::not_applicable);
  CHECK(f.title == "no journal history: this system was not booted with systemd, so it keeps "
                   "no journal");
}

TEST_CASE("audit.history.onset: errors after a kernel upgrade", "[checks][history]") {
  Finding f = run_with({boot(0, "6.17.9", 0), boot(1, "6.17.9", 0), boot(2, "6.18.2", 40)});
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::warning);
  CHECK(f.title == "errors began with boot 0 (c00000000000) on kernel 6.18.2; the 2 earlier "
                   "boots on kernel 6.17.9 were clean");
  CHECK(f.evidence.size() == 3);
  CHECK(f.evidence[2].count == 40u);
  CHECK(f.evidence[2].first_seen == "2025-12-19 19:33:20 UTC");
}

TEST_CASE("audit.history.onset: errors without a kernel change", "[checks][history]") {
  Finding f = run_with({boot(0, "6.18.2", 0), boot(1, "6.18.2", 3), boot(2, "6.18.2", 0)});
  CHECK(f.status == Status::fail);
  CHECK(f.severity == Severity::info);
  CHECK(f.title.find("errors began with boot -1") != std::string::npos);
  CHECK(f.title.find("the 1 earlier boot on kernel 6.18.2 was clean") != std::string::npos);
  CHECK(f.detail.find("1 later boot had no errors") != std::string::npos);
}

TEST_CASE("audit.history.onset: errors from the oldest boot on", "[checks][history]") {
  Finding f = run_with({boot(0, "", 2), boot(1, "6.18.2", 3)});
  CHECK(f.status == Status::fail);
  CHECK(f.title.find("oldest boot scanned") != std::string::npos);
  CHECK(f.title.find("unknown kernel") != std::string::npos);
}

TEST_CASE("audit.history.onset: pass, not applicable, unknown", "[checks][history]") {
  CHECK(run_with({boot(0, "6.18.2", 0), boot(1, "6.18.3", 0)}).status == Status::pass);
  CHECK(run_with({boot(0, "6.18.2", 0), boot(1, "6.18.3", 0)}).title ==
        "no audit context errors in the 2 boots scanned (kernels 6.18.2, 6.18.3)");
  CHECK(run_with({boot(0, "6.18.2", 5)}).status == Status::not_applicable);
  Facts facts;
  facts.journal = Fact<JournalHistory>::unknown("ROOT/var/log/journal: not present");
  Knowledge knowledge;
  Finding f = checks::audit_history_onset.run(CheckContext{facts, knowledge});
  CHECK(f.status == Status::unknown);
  CHECK(f.detail.find("not present") != std::string::npos);
}
