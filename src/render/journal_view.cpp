#include "render/journal_view.h"

#include "parse/journal_time.h"
#include "render/quote.h"

#include <algorithm>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

constexpr const char* kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
constexpr const char* kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

} // namespace

std::string error_bar(std::uint64_t value, std::uint64_t max, int width) {
  if (value == 0 || max == 0 || width <= 0)
    return {};
  std::uint64_t cells8 = static_cast<std::uint64_t>((static_cast<long double>(value) * width * 8) /
                                                    static_cast<long double>(max));
  cells8 = std::max<std::uint64_t>(cells8, 1);
  std::string bar;
  for (std::uint64_t i = 0; i < cells8 / 8; ++i)
    bar += "█";
  bar += kEighths[cells8 % 8];
  return bar;
}

std::string sparkline(const std::vector<std::uint64_t>& values) {
  std::uint64_t max = 0;
  for (auto v : values)
    max = std::max(max, v);
  std::string line;
  for (auto v : values) {
    if (v == 0 || max == 0) {
      line += "·";
      continue;
    }
    auto level = static_cast<std::size_t>((static_cast<long double>(v) * 7) / max);
    line += kLevels[std::min<std::size_t>(level, 7)];
  }
  return line;
}

std::string render_journal_text(const Facts& facts, const Style& s) {
  if (!facts.journal.is_known() || facts.journal->boots.size() < 2)
    return {};
  const JournalHistory& h = *facts.journal;
  std::vector<std::uint64_t> errors;
  std::uint64_t max = 0;
  for (const auto& b : h.boots) {
    errors.push_back(b.audit_errors());
    max = std::max(max, errors.back());
  }
  std::string out =
      "\n" + s.heading("Kernel log per boot") + "  " + s.dim(comment_safe(h.source)) + "\n";
  out += "  audit context errors, oldest boot first: " + sparkline(errors) + "\n";
  for (std::size_t i = 0; i < h.boots.size(); ++i) {
    const BootKernelLog& b = h.boots[i];
    long offset = static_cast<long>(i) - static_cast<long>(h.boots.size() - 1);
    std::string bar = error_bar(errors[i], max, 24);
    out += fmt::format("  {:>4} {}  {:<20.20}  {}  {:>9}  {}\n", offset, b.boot_id.substr(0, 12),
                       comment_safe(b.kernel.empty() ? "?" : b.kernel),
                       format_realtime(b.first_usec).substr(0, 16), errors[i],
                       errors[i] > 0 ? s.bad(bar) : s.dim("·"));
  }
  return out;
}

void write_journal_json(JsonWriter& json, const Fact<JournalHistory>& fact) {
  json.key("journal").begin_object();
  json.field("known", fact.is_known());
  if (!fact.is_known()) {
    json.field("reason", fact.reason());
    json.end_object();
    return;
  }
  const JournalHistory& h = *fact;
  json.field("source", h.source);
  json.field("since_usec", h.since_usec);
  json.field("boots_in_journal", h.boots_in_journal);
  json.field("current_is_running", h.current_is_running);
  if (!h.no_journal.empty())
    json.field("no_journal", h.no_journal);
  json.key("boots").begin_array();
  for (const auto& b : h.boots) {
    json.begin_object();
    json.field("boot_id", b.boot_id);
    json.field("kernel", b.kernel.empty() ? std::nullopt : std::optional<std::string>(b.kernel));
    json.field("first", format_realtime(b.first_usec));
    json.field("last", format_realtime(b.last_usec));
    json.field("kernel_messages", b.kernel_messages);
    json.field("audit_errors", b.audit_errors());
    json.key("signatures").begin_object();
    for (const auto& [id, st] : b.signatures) {
      json.key(id).begin_object();
      json.field("matches", st.matches).field("total", st.total);
      json.field("first", format_realtime(st.first_usec));
      json.field("last", format_realtime(st.last_usec));
      json.field("first_message", st.first_message);
      json.end_object();
    }
    json.end_object();
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

} // namespace lsmdoctor
