#include "parse/audit_record.h"

#include "parse/byte_words.h"
#include "parse/line_search.h"

#include <algorithm>
#include <bit>
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
  // Hand-rolled: this runs once per record, and memchr calls on spans of a
  // few bytes cost more than the bytes themselves; the spans are searched
  // 8, 16 or 32 bytes at a time (parse/byte_words.h).
  const char* p = line.data();
  const char* end = p + line.size();
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  // auditd's "node=NAME " prefix (name_format in auditd.conf).
  if (end - p >= 5 && std::memcmp(p, "node=", 5) == 0) {
    const void* space = std::memchr(p, ' ', static_cast<std::size_t>(end - p));
    if (!space)
      return false;
    p = static_cast<const char*>(space) + 1;
  }
  if (end - p < 5 || std::memcmp(p, "type=", 5) != 0)
    return false;
  p += 5;
  const char* type = p;
  const char* type_limit = end - p > 64 ? p + 64 : end;
  if (end - p >= 16) {
    // Most types are shorter than sixteen bytes: one match, no loop.
    std::uint32_t spaces = words::match16(p, ' ');
    p = spaces != 0 ? p + std::countr_zero(spaces) : words::find(p + 16, type_limit, ' ');
  } else {
    p = words::find(p, type_limit, ' ');
  }
  if (p == type_limit || p == type)
    return false;
  out.type = std::string_view(type, static_cast<std::size_t>(p - type));
  ++p;
  if (end - p < 10 || std::memcmp(p, "msg=audit(", 10) != 0)
    return false;
  p += 10;
  // TIME:SERIAL) within 48 bytes: the serial is all digits, so the colon is
  // the last one before the parenthesis. The time is only delimited here;
  // its number is parsed lazily (audit_record_seconds), for the few records
  // whose time is kept.
  const char* time = p;
  const char* limit = time + std::min<std::ptrdiff_t>(end - p, 48);
  const char* close = nullptr;
  const char* colon = nullptr;
  if (end - p >= 32) {
    // The usual "1700000000.123:4567)" ends within 32 bytes: two matches.
    if (std::uint32_t parens = words::match32(p, ')')) {
      int at = std::countr_zero(parens);
      close = p + at;
      std::uint32_t colons = words::match32(p, ':') & ((std::uint32_t{1} << at) - 1);
      if (colons != 0)
        colon = p + (31 - std::countl_zero(colons));
    }
  }
  for (; !close && limit - p >= 8; p += 8) {
    std::uint64_t word = words::load(p);
    std::uint64_t colons = words::match(word, ':');
    if (std::uint64_t parens = words::match(word, ')')) {
      close = p + words::first(parens);
      colons = words::before(colons, words::first(parens));
    }
    if (colons)
      colon = p + words::last(colons);
    if (close)
      break;
  }
  for (; !close && p < limit; ++p) {
    if (*p == ')')
      close = p;
    else if (*p == ':')
      colon = p;
  }
  if (!close || !colon || colon == time || !is_digit(*time))
    return false;
  out.time = std::string_view(time, static_cast<std::size_t>(colon - time));
  p = close + 1;
  if (p < end && *p == ':')
    ++p;
  if (p < end && *p == ' ')
    ++p;
  out.body = std::string_view(p, static_cast<std::size_t>(end - p));
  return true;
}

std::uint64_t audit_record_seconds(std::string_view time) {
  std::uint64_t seconds = 0;
  for (std::size_t i = 0; i < time.size() && i < 19 && time[i] >= '0' && time[i] <= '9'; ++i)
    seconds = seconds * 10 + static_cast<std::uint64_t>(time[i] - '0');
  return seconds;
}

namespace {

// The subj= field of the text [begin, end), given `j`: its first 'j', or end.
// 'j' is rare in audit records (hex-encoded fields use 0-9A-F), so a memchr
// for it skips most of the text at memory speed.
SubjField subj_field_from(const char* begin, const char* end, const char* j) {
  while (j < end) {
    // " subj=" : the j is at index 4 of the field name, after a space.
    if (j - begin >= 4 && end - j >= 2 && j[1] == '=' && j[-1] == 'b' && j[-2] == 'u' &&
        j[-3] == 's' && j[-4] == ' ')
      return (end - j >= 3 && j[2] == '?' && (end - j == 3 || j[3] == ' ' || j[3] == '\x1d'))
                 ? SubjField::unset
                 : SubjField::set;
    const void* next = std::memchr(j + 1, 'j', static_cast<std::size_t>(end - j - 1));
    j = next ? static_cast<const char*>(next) : end;
  }
  return SubjField::absent;
}

} // namespace

SubjField find_subj_field(std::string_view line) {
  const char* begin = line.data();
  const char* end = begin + line.size();
  const void* j = line.empty() ? nullptr : std::memchr(begin, 'j', line.size());
  return subj_field_from(begin, end, j ? static_cast<const char*>(j) : end);
}

AuditLogScanner::AuditLogScanner(const Knowledge& knowledge, AuditLogSummary& summary)
    : knowledge_(knowledge), summary_(summary) {}

void AuditLogScanner::begin_file(const std::string& name) {
  file_ = name;
  file_has_time_ = false;
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
    for (char c : type.substr(8, type.size() - 9)) {
      if (c < '0' || c > '9' || number >= 100000) {
        number = -1; // not a type number
        break;
      }
      number = number * 10 + (c - '0');
    }
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
  slot.lsm_index = slot.lsm.empty() ? -1 : lsm_index(slot.lsm);
  // Several readings of one number (1420: IPE_ACCESS or Ubuntu's task
  // contexts): the text of each record decides.
  for (const auto* r : slot.numbered)
    if (!r->aux.empty())
      slot.aux = "?";
  return slot;
}

std::uint64_t AuditLogScanner::type_word(std::string_view type, std::size_t from) {
  std::uint64_t word = 0;
  for (std::size_t i = from; i < type.size() && i < from + 8; ++i)
    word |= static_cast<std::uint64_t>(static_cast<unsigned char>(type[i])) << (8 * (i - from));
  return word;
}

std::uint64_t AuditLogScanner::record_type_word(std::string_view type, std::size_t from) {
  if (type.size() <= from)
    return 0;
  std::uint64_t word = words::load(type.data() + from);
  return type.size() >= from + 8 ? word : words::before(word, type.size() - from);
}

std::size_t AuditLogScanner::type_hash(std::uint64_t prefix, std::size_t size) {
  return static_cast<std::size_t>(((prefix ^ size) * 0x9E3779B97F4A7C15ULL) >> 54) &
         (kTypeTable - 1);
}

AuditLogScanner::TypeSlot& AuditLogScanner::slot_for(std::string_view type) {
  // The first sixteen bytes and the length tell the usual types apart
  // without a call to memcmp.
  std::uint64_t prefix = record_type_word(type, 0);
  std::uint64_t second = record_type_word(type, 8);
  std::size_t h = type_hash(prefix, type.size());
  for (std::size_t probe = 0; probe < kTypeTable; ++probe) {
    std::uint16_t index = table_[(h + probe) & (kTypeTable - 1)];
    if (index == 0)
      break;
    TypeSlot& slot = slots_[index - 1];
    if (slot.prefix == prefix && slot.second == second && slot.name.size() == type.size() &&
        (type.size() <= 16 ||
         std::memcmp(slot.name.data() + 16, type.data() + 16, type.size() - 16) == 0))
      return slot;
  }
  return new_slot(type);
}

AuditLogScanner::TypeSlot& AuditLogScanner::new_slot(std::string_view type) {
  if (slots_.size() >= kMaxTypes) {
    type = "OTHER";
    if (slots_.size() > kMaxTypes)
      return slots_.back(); // OTHER, added last
    summary_.warnings.push_back(fmt::format(
        "{}: more than {} record types; the rest are counted as OTHER", here(), kMaxTypes));
    slots_.push_back(make_slot(type));
    return slots_.back();
  }
  slots_.push_back(make_slot(type));
  slots_.back().prefix = type_word(type, 0);
  slots_.back().second = type_word(type, 8);
  std::size_t h = type_hash(slots_.back().prefix, type.size());
  while (table_[h] != 0)
    h = (h + 1) & (kTypeTable - 1);
  table_[h] = static_cast<std::uint16_t>(slots_.size());
  return slots_.back();
}

void AuditLogScanner::count_lsm(const TypeSlot& slot, const AuditRecordView& record) {
  int index = slot.body_decides ? lsm_of_avc_body(slot.counted_as, record.body) : slot.lsm_index;
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
        slot.lsm_index = -1;
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

void AuditLogScanner::scan_line(std::string_view line) {
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
  // audit.log is written in time order: the first record of a file and the
  // last of each block bound the times, without parsing every record's.
  if (!file_has_time_) {
    note_time(record.time);
    file_has_time_ = true;
  }
  last_time_ = record.time;
  if (slot.aux.empty() || !note_aux(slot, record))
    count_lsm(slot, record);

  SubjField subj = subj_of(record.body);
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

SubjField AuditLogScanner::subj_of(std::string_view body) {
  if (!in_block_)
    return find_subj_field(body);
  // Inside add_lines: the search for the line's end noted its first 'j'.
  if (line_j_ == nullptr)
    return SubjField::absent;
  const char* begin = body.data();
  if (line_j_ < begin)
    return find_subj_field(body); // a 'j' before the body (node=j1 ...)
  return subj_field_from(begin, begin + body.size(), line_j_);
}

void AuditLogScanner::note_time(std::string_view time) {
  std::uint64_t seconds = audit_record_seconds(time);
  if (!have_time_ || seconds < summary_.first_seconds ||
      (seconds == summary_.first_seconds && time < summary_.first_time)) {
    summary_.first_seconds = seconds;
    summary_.first_time = std::string(time);
  }
  if (!have_time_ || seconds > summary_.last_seconds ||
      (seconds == summary_.last_seconds && time > summary_.last_time)) {
    summary_.last_seconds = seconds;
    summary_.last_time = std::string(time);
  }
  have_time_ = true;
}

void AuditLogScanner::flush_time() {
  if (!last_time_.empty())
    note_time(last_time_);
  last_time_ = {};
}

void AuditLogScanner::add_line(std::string_view line) {
  scan_line(line);
  flush_time();
}

void AuditLogScanner::add_lines(std::string_view block) {
  const char* at = block.data();
  const char* end = at + block.size();
  const LineEndSearch search = line_end_search();
  in_block_ = true;
  while (at < end) {
    const char* stop = search(at, end, line_j_);
    scan_line(std::string_view(at, static_cast<std::size_t>(stop - at)));
    at = stop + 1;
  }
  in_block_ = false;
  line_j_ = nullptr;
  flush_time();
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
