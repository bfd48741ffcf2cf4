#include "parse/audit_record.h"
#include "parse/line_reader.h"
#include "test_support.h"

#include <catch2/catch.hpp>

using namespace lsmdoctor;
using lsmdoctor::test::knowledge;

namespace {

AuditLogSummary scan_text(std::string_view text) {
  AuditLogSummary summary;
  AuditLogScanner scanner(knowledge(), summary);
  scanner.begin_file("audit.log");
  scanner.add_lines(text);
  scanner.finish();
  return summary;
}

} // namespace

TEST_CASE("parse_audit_record: type, time and body", "[parse][audit_record]") {
  AuditRecordView r;
  REQUIRE(parse_audit_record(
      "type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e subj=unconfined", r));
  CHECK(r.type == "SYSCALL");
  CHECK(r.time == "1700000000.123");
  CHECK(audit_record_seconds(r.time) == 1700000000);
  CHECK(r.body == "arch=c000003e subj=unconfined");

  REQUIRE(parse_audit_record("node=web1 type=AVC msg=audit(1.5:1): apparmor=\"DENIED\"", r));
  CHECK(r.type == "AVC");
  CHECK(r.body == "apparmor=\"DENIED\"");

  CHECK_FALSE(parse_audit_record("", r));
  CHECK_FALSE(parse_audit_record("type=AVC", r));
  CHECK_FALSE(parse_audit_record("type=AVC msg=audit(:1): x", r));
  CHECK_FALSE(parse_audit_record("type=AVC msg=audit(12:1", r));
  CHECK_FALSE(parse_audit_record("node=x", r));
  CHECK_FALSE(parse_audit_record("hello world", r));
}

TEST_CASE("parse_audit_record: the time is up to the last colon before the parenthesis",
          "[parse][audit_record]") {
  AuditRecordView r;
  // Spans shorter and longer than the eight bytes searched at once.
  REQUIRE(parse_audit_record("type=A msg=audit(1:2):x", r));
  CHECK(r.type == "A");
  CHECK(r.time == "1");
  CHECK(r.body == "x");
  REQUIRE(parse_audit_record("type=A msg=audit(1:2:3):", r));
  CHECK(r.time == "1:2");
  CHECK(r.body.empty());
  REQUIRE(parse_audit_record("type=MAC_TASK_CONTEXTS msg=audit(1700000000.123:4567890): b", r));
  CHECK(r.type == "MAC_TASK_CONTEXTS");
  CHECK(r.time == "1700000000.123");
  CHECK(r.body == "b");
  REQUIRE(parse_audit_record("type=A msg=audit(12345678:1) x", r));
  CHECK(r.time == "12345678");
  CHECK(r.body == "x");
  // The colon must come after the first byte of the time, and within 48 bytes.
  CHECK_FALSE(parse_audit_record("type=A msg=audit(1.2):x", r));
  CHECK_FALSE(parse_audit_record("type=A msg=audit():x", r));
  CHECK_FALSE(parse_audit_record("type=A msg=audit(" + std::string(40, '1') + ":12345678): x", r));
  REQUIRE(parse_audit_record("type=A msg=audit(" + std::string(40, '1') + ":123456): x", r));
  CHECK(r.time.size() == 40);
  // A type of 64 bytes or more is not one.
  CHECK_FALSE(parse_audit_record("type=" + std::string(64, 'T') + " msg=audit(1:1): x", r));
  REQUIRE(parse_audit_record("type=" + std::string(63, 'T') + " msg=audit(1:1): x", r));
  CHECK(r.type.size() == 63);
  CHECK_FALSE(parse_audit_record("type= msg=audit(1:1): x", r));

  // The parenthesis on the last of the 32 bytes searched at once, just
  // after them, and a record that ends before 32 bytes.
  const std::string time31 = "1700000000.123:" + std::string(16, '7');
  REQUIRE(time31.size() == 31);
  // The record's views point into the line: each line lives as long as
  // the checks of its fields.
  const std::string at_32 = "type=A msg=audit(" + time31 + "): body of some length";
  REQUIRE(parse_audit_record(at_32, r));
  CHECK(r.time == "1700000000.123");
  CHECK(r.body == "body of some length");
  const std::string after_32 = "type=A msg=audit(" + time31 + "7): body of some length";
  REQUIRE(parse_audit_record(after_32, r));
  CHECK(r.time == "1700000000.123");
  const std::string colons = "type=A msg=audit(1:2:" + std::string(29, '3') + "):x";
  REQUIRE(parse_audit_record(colons, r));
  CHECK(r.time == "1:2");
  REQUIRE(parse_audit_record("type=CWD msg=audit(1.0:2): cwd=\"/\"", r));
  CHECK(r.type == "CWD");
  CHECK(r.body == "cwd=\"/\"");
  // Types of fifteen, sixteen and seventeen bytes.
  for (std::size_t length : {15, 16, 17}) {
    REQUIRE(parse_audit_record("type=" + std::string(length, 'T') + " msg=audit(1:1): x", r));
    CHECK(r.type.size() == length);
  }
}

TEST_CASE("find_subj_field: set, unset and absent", "[parse][audit_record]") {
  CHECK(find_subj_field("pid=1 subj=unconfined key=x") == SubjField::set);
  CHECK(find_subj_field("pid=1 subj=? key=x") == SubjField::unset);
  CHECK(find_subj_field("pid=1 subj=?") == SubjField::unset);
  CHECK(find_subj_field("pid=1 subj=?x") == SubjField::set);
  CHECK(find_subj_field("pid=1 comm=\"j\" key=x") == SubjField::absent);
  CHECK(find_subj_field("subj_apparmor=unconfined") == SubjField::absent);
  CHECK(find_subj_field("obj=system_u:object_r:etc_t:s0") == SubjField::absent);
  CHECK(find_subj_field("xsubj=a") == SubjField::absent);
  CHECK(find_subj_field("j") == SubjField::absent);
  CHECK(find_subj_field("") == SubjField::absent);
}

TEST_CASE("AuditLogScanner: records per type and module", "[parse][audit_record]") {
  auto s = scan_text(
      "type=AVC msg=audit(100.1:1): apparmor=\"DENIED\" operation=\"open\"\n"
      "type=AVC msg=audit(101.1:2): avc:  denied  { read } for pid=1\n"
      "type=USER_AVC msg=audit(102.1:3): pid=1 uid=0 subj=unconfined msg='apparmor=\"DENIED\"'\n"
      "type=APPARMOR_DENIED msg=audit(103.1:4): apparmor=\"DENIED\"\n"
      "type=LANDLOCK_ACCESS msg=audit(103.5:5): domain=1 blockers=fs.make_reg\n"
      "type=UNKNOWN[1424] msg=audit(104.0:6): domain=1 status=allocated\n"
      "garbage line\n"
      "\n");
  CHECK(s.records == 6);
  CHECK(s.other_lines == 1);
  CHECK(s.by_type.at("AVC") == 2);
  CHECK(s.by_type.at("LANDLOCK_DOMAIN") == 1);
  CHECK(s.by_lsm.at("apparmor") == 3);
  CHECK(s.by_lsm.at("selinux") == 1);
  CHECK(s.by_lsm.at("landlock") == 2);
  CHECK(s.first_time == "100.1");
  CHECK(s.last_time == "104.0");
  CHECK(s.files == std::vector<std::string>{"audit.log"});
}

TEST_CASE("AuditLogScanner: multi-context records, mainline and Ubuntu numbers",
          "[parse][audit_record]") {
  auto mainline = scan_text(
      "type=SYSCALL msg=audit(1.0:1): pid=1 subj=? key=x\n"
      "type=MAC_TASK_CONTEXTS msg=audit(1.0:1): subj_apparmor=unconfined subj_selinux=u:r:t:s0\n"
      "type=UNKNOWN[1426] msg=audit(1.0:2): obj_selinux=u:object_r:etc_t:s0\n");
  CHECK(mainline.multi_context_records == 2);
  CHECK(mainline.by_type.at("MAC_OBJ_CONTEXTS") == 1);
  CHECK(mainline.multi_context_lsms == std::vector<std::string>{"apparmor", "selinux"});
  CHECK(mainline.first_multi_context == "audit.log:2");
  CHECK(mainline.subj_unset == 1);
  REQUIRE(mainline.subj_unset_first);
  CHECK(mainline.subj_unset_first->where == "audit.log:1");
  CHECK(mainline.subj_missing == 0);

  // 1420 is IPE_ACCESS in mainline and the task contexts on Ubuntu: the
  // content decides.
  auto ubuntu =
      scan_text("type=UNKNOWN[1420] msg=audit(1.0:1): subj_apparmor=unconfined subj_smack=_\n"
                "type=UNKNOWN[1420] msg=audit(1.0:2): subj_apparmor=unconfined subj_smack=_\n");
  CHECK(ubuntu.multi_context_records == 2);
  CHECK(ubuntu.by_type.at("MAC_TASK_CONTEXTS") == 2);
  CHECK(ubuntu.renamed_types.at("UNKNOWN[1420]") == "MAC_TASK_CONTEXTS");
  CHECK(ubuntu.multi_context_lsms == std::vector<std::string>{"apparmor", "smack"});

  // Found by the fuzzer: a long UNKNOWN[...] number overflowed.
  auto huge = scan_text("type=UNKNOWN[99999999999999] msg=audit(1.0:1): x\n"
                        "type=UNKNOWN[1x] msg=audit(1.0:2): x\n");
  CHECK(huge.by_type.at("UNKNOWN[99999999999999]") == 1);
  CHECK(huge.by_type.at("UNKNOWN[1x]") == 1);

  auto ipe = scan_text("type=UNKNOWN[1420] msg=audit(1.0:1): ipe_op=EXECUTE rule=DEFAULT\n");
  CHECK(ipe.multi_context_records == 0);
  CHECK(ipe.by_type.at("IPE_ACCESS") == 1);
  CHECK(ipe.by_lsm.at("ipe") == 1);
}

TEST_CASE("AuditLogScanner: records that lost subj=", "[parse][audit_record]") {
  auto s = scan_text("type=SYSCALL msg=audit(1.0:1): pid=1 comm=\"cat\" key=x\n"
                     "type=SYSCALL msg=audit(2.0:2): pid=1 subj=unconfined key=x\n"
                     "type=PATH msg=audit(2.0:2): item=0 name=\"/etc\"\n"
                     "type=USER_START msg=audit(3.0:3): pid=1 uid=0 msg='op=login'\n");
  CHECK(s.subj_records == 3);
  CHECK(s.subj_missing == 2);
  REQUIRE(s.subj_missing_first);
  REQUIRE(s.subj_missing_last);
  CHECK(s.subj_missing_first->where == "audit.log:1");
  CHECK(s.subj_missing_first->time == "1.0");
  CHECK(s.subj_missing_last->where == "audit.log:4");
  CHECK(s.subj_missing_last->text.find("USER_START") != std::string::npos);
}

TEST_CASE("AuditLogScanner: subj= in a block as line by line", "[parse][audit_record]") {
  // The block path searches the next 'j' once for the lines before it: a
  // 'j' in a node name, in other fields, at the end of a line, and lines
  // without any.
  const std::string text = "node=j1 type=SYSCALL msg=audit(1.0:1): pid=1 comm=\"cat\" key=x\n"
                           "type=SYSCALL msg=audit(1.0:2): obj=j subj=? key=j\n"
                           "type=PATH msg=audit(1.0:2): item=0 name=\"/etc\"\n"
                           "type=CWD msg=audit(1.0:2): cwd=\"/j\"\n"
                           "type=SYSCALL msg=audit(1.0:3): pid=1 subj\n"
                           "type=SYSCALL msg=audit(1.0:4): pid=1 subj=?\n"
                           "type=USER_START msg=audit(3.0:5): pid=1 subj=unconfined msg='x'\n"
                           "type=SYSCALL msg=audit(1.0:6): pid=1 subj=x";
  auto block = scan_text(text);
  AuditLogSummary lines;
  AuditLogScanner scanner(knowledge(), lines);
  scanner.begin_file("audit.log");
  for (auto [number, line] : TextLines(text))
    scanner.add_line(line);
  scanner.finish();
  CHECK(block.subj_records == 6);
  CHECK(block.subj_unset == 2);
  CHECK(block.subj_missing == 2);
  CHECK(block.subj_missing_first->where == "audit.log:1");
  CHECK(block.subj_missing_last->where == "audit.log:5");
  CHECK(block.subj_unset_last->where == "audit.log:6");
  CHECK(lines.subj_records == block.subj_records);
  CHECK(lines.subj_unset == block.subj_unset);
  CHECK(lines.subj_missing == block.subj_missing);
}

TEST_CASE("AuditLogScanner: types that share their first bytes are counted apart",
          "[parse][audit_record]") {
  auto s = scan_text("type=ABCDEFGH1 msg=audit(1.0:1): x\n"
                     "type=ABCDEFGH2 msg=audit(1.0:1): x\n"
                     "type=ABCDEFGH msg=audit(1.0:1): x\n"
                     "type=ABCDEFGHIJKLMNOP1 msg=audit(1.0:1): x\n"
                     "type=ABCDEFGHIJKLMNOP2 msg=audit(1.0:1): x\n"
                     "type=ABCDEFGHIJKLMNOP2 msg=audit(1.0:1): x\n"
                     "type=ABCDEFGHIJKLMNOP msg=audit(1.0:1): x\n"
                     "type=ABCDEFGHIJKLMNO msg=audit(1.0:1): x\n"
                     "type=A msg=audit(1:):\n"
                     "type=AB msg=audit(1:):\n");
  CHECK(s.records == 10);
  CHECK(s.by_type.size() == 9);
  CHECK(s.by_type.at("ABCDEFGHIJKLMNOP2") == 2);
  CHECK(s.by_type.at("ABCDEFGHIJKLMNO") == 1);
  CHECK(s.by_type.at("A") == 1);
}

TEST_CASE("AuditLogScanner: the number of distinct types is bounded", "[parse][audit_record]") {
  std::string text;
  for (std::size_t i = 0; i < AuditLogScanner::kMaxTypes + 10; ++i)
    text += "type=T" + std::to_string(i) + " msg=audit(1.0:1): x\n";
  auto s = scan_text(text);
  CHECK(s.by_type.size() == AuditLogScanner::kMaxTypes + 1);
  CHECK(s.by_type.at("OTHER") == 10);
  CHECK_FALSE(s.warnings.empty());
}

TEST_CASE("AuditLogScanner: first and last time across files", "[parse][audit_record]") {
  AuditLogSummary s;
  AuditLogScanner scanner(knowledge(), s);
  scanner.begin_file("audit.log.1");
  scanner.add_lines("type=AVC msg=audit(200.5:1): x\ntype=AVC msg=audit(300.25:2): x\n");
  scanner.begin_file("audit.log");
  scanner.add_lines("type=AVC msg=audit(100.0:3): x\ntype=AVC msg=audit(150.0:4): x");
  scanner.finish();
  CHECK(s.first_time == "100.0");
  CHECK(s.first_seconds == 100);
  CHECK(s.last_time == "300.25");
  CHECK(s.last_seconds == 300);
}
