// The doctor's own configuration (lsm-doctor.toml, man 5 lsm-doctor.toml):
// waivers of findings and, for CI, expectations. It belongs to the machine
// that runs the doctor, not to the system being examined.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

// A calendar day without a time zone (a TOML local date).
struct LocalDate {
  int year = 0;
  int month = 0;
  int day = 0;
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

// "2027-01-31".
std::string to_string(const LocalDate& date);
// Parses "YYYY-MM-DD" (a real day of the Gregorian calendar); nullopt otherwise.
std::optional<LocalDate> parse_local_date(std::string_view text);

// One [[waiver]]: a check whose failing or unknown finding no longer counts
// toward the exit code, for a reason, until a day, on some kernels or hosts.
struct Waiver {
  std::string check;
  std::string reason;
  std::optional<LocalDate> expires; // applies through this day; none: no end
  std::string kernel;               // fnmatch(3) glob on the kernel release; empty: any
  std::string host;                 // fnmatch(3) glob on the host name; empty: any
  std::string file;                 // the configuration file and the line of its table
  int line = 0;

  bool expired(const LocalDate& today) const { return expires && today > *expires; }
  // "lsm-doctor.toml:12".
  std::string where() const;
};

// [expect]: what CI requires of the examined (or planned) system. Each
// expectation that is set becomes the finding of a config.expect.* check.
struct Expectations {
  std::optional<std::vector<std::string>> modules; // must be in the stack
  std::optional<bool> audit;                       // audit must be enabled (false: disabled)
  // Kernel log signature id (knowledge/signatures.toml) -> most lines tolerated.
  std::map<std::string, std::uint64_t> max_signatures;
  int modules_line = 0; // lines in the file, for evidence
  int audit_line = 0;
  std::map<std::string, int> max_signature_lines;
};

struct DoctorConfig {
  std::string file; // the file read; empty when none was
  std::vector<Waiver> waivers;
  Expectations expect;
  LocalDate today; // the day waivers are judged against
};

} // namespace lsmdoctor
