// audit.log records: one line split into type, time and body, and a streaming
// scanner that folds records into an AuditLogSummary. Hand written rather
// than libauparse: bench/audit_log.sh measures libauparse and ausearch at
// ten times the time and memory on a large log. Memory stays flat: only
// counters per distinct type are kept, and their number is bounded.
#pragma once

#include "core/audit_facts.h"
#include "core/knowledge.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

// What a record line says about the task's subject context.
enum class SubjField { absent, set, unset }; // unset: `subj=?`

struct AuditRecordView {
  std::string_view type; // "AVC", "UNKNOWN[1425]"
  std::string_view time; // "1700000000.123" from msg=audit(TIME:SERIAL)
  std::string_view body; // the text after "): "
};

// The whole seconds of a record time ("1700000000.123" -> 1700000000).
std::uint64_t audit_record_seconds(std::string_view time);

// Splits `line` ("[node=N ]type=T msg=audit(S.MS:SERIAL): body"); false when
// the line is not an audit record.
bool parse_audit_record(std::string_view line, AuditRecordView& out);

// The `subj=` field of a record line: absent, a context, or `?`.
SubjField find_subj_field(std::string_view line);

// Folds records into a summary. The record types come from the knowledge
// (checks/knowledge/records.toml): which module a type belongs to, which
// carry subj=, how to name UNKNOWN[N].
class AuditLogScanner {
public:
  AuditLogScanner(const Knowledge& knowledge, AuditLogSummary& summary);

  // Starts a new input; `name` is used in evidence and warnings.
  void begin_file(const std::string& name);
  // One line without its newline.
  void add_line(std::string_view line);
  // Every complete line of `block` (which ends with a newline or is the end
  // of the input).
  void add_lines(std::string_view block);
  // Notes that a line longer than the reader's block was cut.
  void warn_long_line();
  // Writes the counters into the summary; call once after the last file.
  void finish();

  // Distinct record types kept apart; further ones count as "OTHER".
  static constexpr std::size_t kMaxTypes = 512;

private:
  struct TypeSlot {
    std::uint64_t prefix = 0; // the first eight bytes of `name`
    std::uint64_t second = 0; // the next eight (zeros past its end)
    std::string name;         // as written in the log
    std::string counted_as;   // the name it is counted under
    std::string lsm;          // module of the type, "" when none or decided by the text
    int lsm_index = -1;       // index of `lsm` into by_lsm_
    std::uint64_t count = 0;
    bool subj_bearing = false; // the kernel writes subj= into it
    bool body_decides = false; // AVC/USER_AVC: the text names the module
    std::string aux;           // "subj"/"obj": multi-context record (if the body agrees)
    std::vector<const AuditRecordType*> numbered; // candidates of UNKNOWN[N]
  };
  static constexpr std::size_t kTypeTable = 1024; // a power of two, >= 2 * kMaxTypes
  // The eight bytes of `type` from `from`, zeros past its end.
  static std::uint64_t type_word(std::string_view type, std::size_t from);
  // The same for a type parsed from a record, which is followed by more
  // than seven bytes (" msg=audit(T:)" at least): one load, no byte loop.
  static std::uint64_t record_type_word(std::string_view type, std::size_t from);
  static std::size_t type_hash(std::uint64_t prefix, std::size_t size);
  TypeSlot& slot_for(std::string_view type);
  TypeSlot& new_slot(std::string_view type);
  TypeSlot make_slot(std::string_view type) const;
  void count_lsm(const TypeSlot& slot, const AuditRecordView& record);
  // Counts a multi-context record; false when the record is not one.
  bool note_aux(TypeSlot& slot, const AuditRecordView& record);
  std::string here() const;
  void scan_line(std::string_view line);
  // The subj= field of the current record's body.
  SubjField subj_of(std::string_view body);
  void note_time(std::string_view time);
  void flush_time();

  const Knowledge& knowledge_;
  AuditLogSummary& summary_;
  std::vector<TypeSlot> slots_;
  std::uint16_t table_[kTypeTable] = {}; // 1 + index into slots_, 0 for free
  std::string file_;
  std::uint64_t line_ = 0;
  std::uint64_t by_lsm_[5] = {}; // selinux, apparmor, smack, landlock, ipe
  bool have_time_ = false;
  bool file_has_time_ = false;
  std::string_view last_time_; // of the last record of the current block
  // Inside add_lines: the first 'j' of the current line (nullptr: none),
  // found with its end (parse/line_search.h).
  bool in_block_ = false;
  const char* line_j_ = nullptr;
};

} // namespace lsmdoctor
