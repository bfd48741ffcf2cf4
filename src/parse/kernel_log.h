// Kernel log parsing: one line of any supported format to (timestamp,
// message), and a streaming scanner that counts knowledge signatures.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdoctor {

enum class LogFormat {
  plain,        // "message"
  dmesg,        // "[   12.345678] message"
  dmesg_raw,    // "<6>[   12.345678] message" (dmesg -r)
  kmsg,         // "6,1234,12345678,-;message" (/dev/kmsg records)
  kmsg_dict,    // " KEY=value" continuation of a /dev/kmsg record
  journal,      // "Dec 23 17:02:02 host kernel: message" (journalctl -k, short*)
  journal_other // a journal line of another program (not the kernel)
};

struct ParsedLogLine {
  LogFormat format = LogFormat::plain;
  std::string_view timestamp;
  std::optional<double> seconds; // seconds since boot
  std::string_view message;
};

// Recognises the format of one line and splits off its prefix.
ParsedLogLine parse_log_line(std::string_view line);

// Matches messages against the signatures of the knowledge base.
class SignatureMatcher {
public:
  explicit SignatureMatcher(const std::vector<LogSignature>& signatures);

  struct Match {
    std::size_t index; // into the signature list
    std::optional<std::uint64_t> number;
  };
  // A fast prefilter: false when no signature can match `message` (no
  // signature's leading literal occurs in it). One pass over the bytes.
  bool may_match(std::string_view message) const;

  // Calls `on_match` for every signature found in `message`.
  template <class F> void match(std::string_view message, F&& on_match) const {
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      auto number = match_one(patterns_[i], message);
      if (number)
        on_match(Match{i, number->value});
    }
  }

private:
  struct Pattern {
    std::string before; // literal before {N} (or the whole literal)
    std::string after;  // literal after {N}
    bool has_number = false;
  };
  struct Found {
    std::optional<std::uint64_t> value;
  };
  static std::optional<Found> match_one(const Pattern& pattern, std::string_view message);
  std::vector<Pattern> patterns_;
  std::array<std::vector<std::uint16_t>, 256> by_first_byte_; // patterns by before[0]
  bool always_ = false; // a pattern starts with {N}: no prefilter
};

// Streams kernel log lines into a KernelLog summary. Memory does not grow
// with the number of lines.
class KernelLogScanner {
public:
  KernelLogScanner(const Knowledge& knowledge, std::string source);
  void add(std::size_t line_number, std::string_view line, bool truncated = false);
  KernelLog finish() &&;

private:
  const Knowledge& knowledge_;
  SignatureMatcher matcher_;
  KernelLog log_;
};

// Reads a kernel log file in any supported format (--dmesg FILE).
Result<KernelLog> scan_kernel_log_file(const std::string& path, const Knowledge& knowledge);

} // namespace lsmdoctor
