#include "parse/audit_record.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fmt/format.h>

namespace lsmdoctor {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::memcmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// Index into AuditLogScanner::by_lsm_.
constexpr std::string_view kLsmNames[] = {"selinux", "apparmor", "smack", "landlock", "ipe"};

int lsm_index(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kLsmNames); ++i)
    if (kLsmNames[i] == name)
      return static_cast<int>(i);
  return -1;
}

// The module named by the text of an AVC or USER_AVC record.
int lsm_of_avc_body(std::string_view type, std::string_view body) {
  if (starts_with(body, "apparmor="))
    return 1;
  if (starts_with(body, "avc:"))
    return 0;
  if (starts_with(body, "lsm=SMACK"))
    return 2;
  // USER_AVC: "pid=.. uid=.. ... msg='apparmor=\"DENIED\" ..." or "msg='avc:  denied ...".
  if (type == "USER_AVC") {
    std::size_t msg = body.find("msg='");
    if (msg != std::string_view::npos) {
      std::string_view inner = body.substr(msg + 5);
      if (starts_with(inner, "apparmor="))
        return 1;
      if (starts_with(inner, "avc:"))
        return 0;
    }
    return 0;
  }
  return -1;
}

constexpr std::size_t kSampleBytes = 400;

std::string sample_text(std::string_view line) {
  std::string text(line.substr(0, kSampleBytes));
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = ' ';
  return text;
}

// Keeps a sample up to date without allocating once its strings have grown:
// a flood sets the last sample on every record.
void set_sample(std::optional<AuditRecordSample>& sample, const std::string& file,
                std::uint64_t line, std::string_view time, std::string_view text) {
  if (!sample)
    sample.emplace();
  sample->where.assign(file);
  sample->where.push_back(':');
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, line);
  (void)ec;
  sample->where.append(digits, end);
  sample->time.assign(time);
  sample->text.assign(text.substr(0, kSampleBytes));
}

void clean_sample(std::optional<AuditRecordSample>& sample) {
  if (sample)
    sample->text = sample_text(sample->text);
}

} // namespace

bool parse_audit_record(std::string_view line, AuditRecordView& out) {
  // auditd's "node=NAME " prefix (name_format in auditd.conf).
  if (starts_with(line, "node=")) {
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return false;
    line.remove_prefix(space + 1);
  }
  if (!starts_with(line, "type="))
    return false;
  line.remove_prefix(5);
  std::size_t end = line.find(' ');
  if (end == std::string_view::npos || end == 0 || end > 64)
    return false;
  out.type = line.substr(0, end);
  line.remove_prefix(end + 1);
  if (!starts_with(line, "msg=audit("))
    return false;
  line.remove_prefix(10);
  std::size_t close = line.find(')');
  if (close == std::string_view::npos || close > 48)
    return false;
  std::string_view stamp = line.substr(0, close);
  std::size_t colon = stamp.find(':');
  out.time = stamp.substr(0, colon);
  out.seconds = 0;
  std::size_t digits = 0;
  while (digits < out.time.size() && digits < 19 && out.time[digits] >= '0' &&
         out.time[digits] <= '9') {
    out.seconds = out.seconds * 10 + static_cast<std::uint64_t>(out.time[digits] - '0');
    ++digits;
  }
  if (digits == 0 || colon == std::string_view::npos)
    return false;
  line.remove_prefix(close + 1);
  if (starts_with(line, ": "))
    line.remove_prefix(2);
  else if (starts_with(line, ":"))
    line.remove_prefix(1);
  out.body = line;
  return true;
}

SubjField find_subj_field(std::string_view line) {
  // 'j' is rare in audit records (hex-encoded fields use 0-9A-F), so a
  // memchr for it skips most of the line at memory speed.
  const char* begin = line.data();
  const char* end = begin + line.size();
  const char* at = begin;
  while (at < end) {
    const void* hit = std::memchr(at, 'j', static_cast<std::size_t>(end - at));
    if (!hit)
      return SubjField::absent;
    const char* j = static_cast<const char*>(hit);
    // " subj=" : the j is at index 4 of the field name, after a space.
    if (j - begin >= 4 && end - j >= 2 && j[1] == '=' && j[-1] == 'b' && j[-2] == 'u' &&
        j[-3] == 's' && j[-4] == ' ')
      return (end - j >= 3 && j[2] == '?' && (end - j == 3 || j[3] == ' ' || j[3] == '\x1d'))
                 ? SubjField::unset
                 : SubjField::set;
    at = j + 1;
  }
  return SubjField::absent;
}

AuditLogScanner::AuditLogScanner(const Knowledge& knowledge, AuditLogSummary& summary)
    : knowledge_(knowledge), summary_(summary) {}

void AuditLogScanner::begin_file(const std::string& name) {
  file_ = name;
  line_ = 0;
  summary_.files.push_back(name);
}

std::string AuditLogScanner::here() const {
  return fmt::format("{}:{}", file_, line_);
}

AuditLogScanner::TypeSlot AuditLogScanner::make_slot(std::string_view type) const {
  TypeSlot slot;
  slot.name = std::string(type);
  slot.counted_as = slot.name;
  const AuditRecordType* known = nullptr;
  if (starts_with(type, "UNKNOWN[") && type.back() == ']') {
    int number = 0;
    for (char c : type.substr(8, type.size() - 9))
      number = (c >= '0' && c <= '9' && number < 100000) ? number * 10 + (c - '0') : -1;
    for (const auto& r : knowledge_.records)
      if (r.type == number)
        slot.numbered.push_back(&r);
    // Without content to go on, the mainline meaning of the number.
    for (const auto* r : slot.numbered)
      if (!known && r->status == "mainline")
        known = r;
  } else {
    known = knowledge_.record(slot.name);
  }
  if (known) {
    slot.counted_as = known->name;
    slot.lsm = known->lsm;
    slot.subj_bearing = known->subj;
    slot.aux = known->aux;
  }
  if (starts_with(type, "APPARMOR_"))
    slot.lsm = "apparmor";
  if (slot.counted_as == "AVC" || slot.counted_as == "USER_AVC")
    slot.body_decides = true;
  // Several readings of one number (1420: IPE_ACCESS or Ubuntu's task
  // contexts): the text of each record decides.
  for (const auto* r : slot.numbered)
    if (!r->aux.empty())
      slot.aux = "?";
  return slot;
}

AuditLogScanner::TypeSlot& AuditLogScanner::slot_for(std::string_view type) {
  if (last_slot_ < slots_.size() && slots_[last_slot_].name == type)
    return slots_[last_slot_];
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].name == type) {
      last_slot_ = i;
      return slots_[i];
    }
  }
  if (slots_.size() >= kMaxTypes) {
    type = "OTHER";
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].name == type) {
        last_slot_ = i;
        return slots_[i];
      }
    if (summary_.warnings.size() < 16)
      summary_.warnings.push_back(fmt::format(
          "{}: more than {} record types; the rest are counted as OTHER", here(), kMaxTypes));
  }
  slots_.push_back(make_slot(type));
  last_slot_ = slots_.size() - 1;
  return slots_.back();
}

void AuditLogScanner::count_lsm(const TypeSlot& slot, const AuditRecordView& record) {
  int index = slot.body_decides ? lsm_of_avc_body(slot.counted_as, record.body)
                                : (slot.lsm.empty() ? -1 : lsm_index(slot.lsm));
  if (index >= 0)
    ++by_lsm_[index];
}

bool AuditLogScanner::note_aux(TypeSlot& slot, const AuditRecordView& record) {
  std::string_view body = record.body;
  bool subj = starts_with(body, "subj_");
  bool obj = starts_with(body, "obj_");
  if (!subj && !obj)
    return slot.aux != "?";
  if (slot.aux == "?") {
    // UNKNOWN[N] whose number means a context record in some kernel flavour.
    for (const auto* r : slot.numbered)
      if (r->aux == (subj ? "subj" : "obj")) {
        // Vendor numbers count under the mainline name of the record.
        std::string name = subj ? "MAC_TASK_CONTEXTS" : "MAC_OBJ_CONTEXTS";
        summary_.renamed_types[slot.name] = name;
        slot.counted_as = name;
        slot.aux = r->aux;
        slot.lsm.clear();
      }
    if (slot.aux == "?")
      return false;
  }
  ++summary_.multi_context_records;
  if (summary_.first_multi_context.empty()) {
    summary_.first_multi_context = here();
    summary_.multi_context_sample =
        AuditRecordSample{here(), std::string(record.time), sample_text(body)};
  }
  // subj_apparmor=unconfined subj_selinux=...: remember the module names.
  while (!body.empty() && summary_.multi_context_lsms.size() < 16) {
    std::size_t under = body.find('_');
    std::size_t eq = body.find('=');
    if (under == std::string_view::npos || eq == std::string_view::npos || under > eq)
      break;
    std::string name(body.substr(under + 1, eq - under - 1));
    if (!name.empty() && name.size() <= 32 &&
        std::find(summary_.multi_context_lsms.begin(), summary_.multi_context_lsms.end(), name) ==
            summary_.multi_context_lsms.end())
      summary_.multi_context_lsms.push_back(std::move(name));
    std::size_t space = body.find(' ', eq);
    if (space == std::string_view::npos)
      break;
    body.remove_prefix(space + 1);
  }
  return true;
}

void AuditLogScanner::add_line(std::string_view line) {
  ++line_;
  AuditRecordView record;
  if (!parse_audit_record(line, record)) {
    if (!line.empty())
      ++summary_.other_lines;
    return;
  }
  ++summary_.records;
  TypeSlot& slot = slot_for(record.type);
  ++slot.count;
  if (!have_time_ || record.seconds < summary_.first_seconds) {
    summary_.first_seconds = record.seconds;
    summary_.first_time = std::string(record.time);
  }
  if (!have_time_ || record.seconds >= summary_.last_seconds) {
    summary_.last_seconds = record.seconds;
    if (summary_.last_time != record.time)
      summary_.last_time = std::string(record.time);
  }
  have_time_ = true;
  if (slot.aux.empty() || !note_aux(slot, record))
    count_lsm(slot, record);

  SubjField subj = find_subj_field(record.body);
  if (subj == SubjField::unset) {
    ++summary_.subj_unset;
    if (!summary_.subj_unset_first)
      set_sample(summary_.subj_unset_first, file_, line_, record.time, line);
    set_sample(summary_.subj_unset_last, file_, line_, record.time, line);
  }
  if (slot.subj_bearing) {
    ++summary_.subj_records;
    if (subj == SubjField::absent) {
      ++summary_.subj_missing;
      if (!summary_.subj_missing_first)
        set_sample(summary_.subj_missing_first, file_, line_, record.time, line);
      set_sample(summary_.subj_missing_last, file_, line_, record.time, line);
    }
  }
}

void AuditLogScanner::add_lines(std::string_view block) {
  const char* at = block.data();
  const char* end = at + block.size();
  while (at < end) {
    const void* nl = std::memchr(at, '\n', static_cast<std::size_t>(end - at));
    const char* stop = nl ? static_cast<const char*>(nl) : end;
    add_line(std::string_view(at, static_cast<std::size_t>(stop - at)));
    at = stop + 1;
  }
}

void AuditLogScanner::warn_long_line() {
  if (summary_.warnings.size() < 16)
    summary_.warnings.push_back(
        fmt::format("{}: a line after line {} is longer than 1 MiB; cut", file_, line_));
}

void AuditLogScanner::finish() {
  for (const auto& slot : slots_)
    if (slot.count > 0)
      summary_.by_type[slot.counted_as] += slot.count;
  for (std::size_t i = 0; i < std::size(kLsmNames); ++i)
    if (by_lsm_[i] > 0)
      summary_.by_lsm[std::string(kLsmNames[i])] += by_lsm_[i];
  std::sort(summary_.multi_context_lsms.begin(), summary_.multi_context_lsms.end());
  clean_sample(summary_.subj_unset_first);
  clean_sample(summary_.subj_unset_last);
  clean_sample(summary_.subj_missing_first);
  clean_sample(summary_.subj_missing_last);
}

} // namespace lsmdoctor
