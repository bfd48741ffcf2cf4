// Kernel log parsing: one line of any supported format to (timestamp,
// message), and a streaming scanner that counts knowledge signatures.
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"

#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
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
  // Calls `on_match` for every signature found in `message`.
  template <class F> void match(std::string_view message, F&& on_match) const {
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      auto number = match_one(patterns_[i], message);
      if (number)
        on_match(Match{i, number->value});
    }
  }

  // Anchors: short literals, one of which every signature's text before
  // {N} contains. A line without any anchor matches nothing, so a scanner
  // can search whole blocks for the anchors and skip the lines between.
  const std::vector<std::string>& anchors() const { return anchors_; }
  // Signatures too short to have an anchor: every line must be matched.
  bool has_unanchored() const { return !unanchored_.empty(); }
  // A fast prefilter: false when no signature can match `message` (it holds
  // none of the anchors).
  bool may_match(std::string_view message) const {
    return has_unanchored() ||
           find_anchor(message.data(), message.data() + message.size()) != nullptr;
  }
  // The same matches as match(), found from the anchors' positions in
  // `message` rather than by searching for every signature; into `out`.
  void match_anchored(std::string_view message, std::vector<Match>& out) const;
  // The same matches again, from the positions of the anchors in and around
  // `message` found by a search of a larger block (in increasing order, every
  // one of them; those outside `message` are ignored): `message` is not
  // searched again.
  void match_hits(std::string_view message, std::span<const char* const> hits,
                  std::vector<Match>& out) const;
  // The first position in [from, end) where an anchor starts, or nullptr.
  const char* find_anchor(const char* from, const char* end) const;
  // Whether an anchor starts at `at` (which has four bytes to read).
  bool is_anchor(const char* at) const;
  // For `windows` windows of 64 bytes from `p` (which has three more bytes
  // to read after them), one bit per byte: its newlines, and the candidates
  // for an anchor (at least every start of one; is_anchor() tells which).
  // 32 bytes at a time with AVX2 when the CPU has it, else classify_portable.
  void classify(const char* p, std::size_t windows, std::uint64_t* newlines,
                std::uint64_t* candidates) const;
  // 16 bytes at a time with SSE2 (up to eight anchors), else byte by byte.
  void classify_portable(const char* p, std::size_t windows, std::uint64_t* newlines,
                         std::uint64_t* candidates) const;

private:
  struct Pattern {
    std::uint64_t head = 0; // the first (up to) eight bytes of `before`, for a quick reject
    std::uint64_t tail = 0; // the last (up to) eight bytes of `before`
    std::string before;     // literal before {N} (or the whole literal)
    std::string after;      // literal after {N}
    bool has_number = false;
  };
  struct Found {
    std::optional<std::uint64_t> value;
  };
  // The patterns whose `before` holds an anchor at one offset: a hit of the
  // anchor at H puts all of them at H - offset.
  struct AnchorOffset {
    std::size_t offset;
    std::vector<std::size_t> patterns;
  };
  // The signatures that the anchor at `message[hit]` leads to, once each
  // (`seen`), into `out`.
  void match_hit(std::string_view message, std::size_t hit, std::bitset<256>& seen,
                 std::vector<Match>& out) const;
  void match_unanchored(std::string_view message, std::vector<Match>& out) const;
  static std::optional<Found> match_one(const Pattern& pattern, std::string_view message);
  static std::optional<Found> match_at(const Pattern& pattern, std::string_view message,
                                       std::size_t at);
  void choose_anchors();
  std::vector<Pattern> patterns_;
  std::vector<std::string> anchors_;
  std::vector<std::uint32_t> anchor_words_; // the anchors' four bytes, as loaded from memory
  std::vector<std::vector<AnchorOffset>> anchored_; // per anchor
  std::vector<std::size_t> unanchored_;
};

// Streams kernel log lines into a KernelLog summary. Memory does not grow
// with the number of lines.
class KernelLogScanner {
public:
  KernelLogScanner(const Knowledge& knowledge, std::string source);
  void add(std::size_t line_number, std::string_view line, bool truncated = false);
  // Every line of `block` (whole lines; the last may lack its newline),
  // numbered from `line_number` + 1; advances `line_number`. Searches the
  // block for the matcher's anchors and only parses lines that hold one.
  void add_block(std::string_view block, std::size_t& line_number);
  KernelLog finish() &&;

private:
  // The message of `line` that signatures are matched in, after counting the
  // line; nullopt for a line that is not counted.
  std::optional<std::string_view> count_message(std::size_t line_number, std::string_view line,
                                                bool truncated);
  void record_matches(std::span<const SignatureMatcher::Match> matches, std::size_t line_number,
                      std::string_view line);
  void count_only(std::size_t line_number, std::string_view line, bool truncated);
  void record(const SignatureMatcher::Match& match, std::size_t line_number, std::string_view line);
  LogLine log_line(std::size_t line_number, std::string_view line) const;

  const Knowledge& knowledge_;
  SignatureMatcher matcher_;
  KernelLog log_;
  // Per signature: its statistics in log_ and the last matching line, kept
  // raw and parsed once in finish().
  std::vector<SignatureStats*> stats_;
  std::vector<std::string> last_raw_;
  std::vector<std::size_t> last_line_;
  std::vector<SignatureMatcher::Match> matches_; // scratch of add()
  // Private to add_block(): the line it has come to holds an anchor
  // (`line_hit_`), and where (up to kMaxLineBytes into the line).
  void end_line(const char* start, const char* stop, std::size_t& line_number);
  std::vector<const char*> hits_;
  bool line_hit_ = false;
  enum class Aggregate : std::uint8_t { count, sum, max };
  std::vector<Aggregate> aggregate_; // per signature, from its `aggregate`
  // The matches of recent messages, for add_block(): most lines that hold
  // an anchor repeat a message seen shortly before (floods). Direct-mapped
  // by the message's length and outer bytes; a message is compared in full.
  struct CachedMessage {
    bool valid = false;
    std::string text;
    std::vector<SignatureMatcher::Match> matches;
  };
  static constexpr std::size_t kCacheSlots = 64;          // a power of two
  static constexpr std::size_t kCachedMessageBytes = 256; // longer ones are not kept
  std::vector<CachedMessage> cache_;
};

// Reads a kernel log file in any supported format (--dmesg FILE).
// `allow_pipe`: the file was named on the command line, so a FIFO or pipe
// (`--dmesg <(dmesg)`) or "-" (standard input) is streamed too.
Result<KernelLog> scan_kernel_log_file(const std::string& path, const Knowledge& knowledge,
                                       bool allow_pipe = false);

} // namespace lsmdoctor
