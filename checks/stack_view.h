// The stack a check judges: the active one when the kernel told us, else the
// one predicted from lsm=/security=/CONFIG_LSM (and said to be predicted).
#pragma once

#include "core/facts.h"
#include "core/knowledge.h"

#include <optional>
#include <string>
#include <vector>

namespace lsmdoctor::checks {

struct StackView {
  std::vector<std::string> order;
  bool predicted = false;
  std::string source;         // where the order came from
  std::string unknown_reason; // set when no order could be had
  bool known() const { return unknown_reason.empty(); }
};

StackView judged_stack(const Facts& facts, const Knowledge& knowledge);

// Names of context-providing modules in `order`.
std::vector<std::string> secctx_modules(const std::vector<std::string>& order,
                                        const Knowledge& knowledge);

// Total lines of the audit context error signatures in the kernel log
// (0 when the log is unknown).
std::uint64_t context_error_count(const Facts& facts);

// The knowledge's kernel range where a module ordered after bpf no longer
// gives audit its contexts.
inline constexpr const char* kSecctxDefectRange = "lsmprop-first-hook";

// Whether the kernel is in the release range where a module ordered after
// bpf no longer gives audit its contexts (knowledge: lsmprop-first-hook);
// `range_text` describes the range. False when the release is unknown.
bool in_secctx_defect_range(const Facts& facts, const Knowledge& knowledge,
                            std::string& range_text);

} // namespace lsmdoctor::checks
