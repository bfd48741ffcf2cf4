// The explanation of a check (what `lsm-doctor explain ID` prints), from the
// knowledge files: as wrapped text for the terminal and as Markdown for
// SARIF's rule help, built from the same sections.
#pragma once

#include "core/check.h"
#include "core/knowledge.h"

#include <string>

namespace lsmdoctor {

// The text `lsm-doctor explain ID` prints, wrapped at 78 columns.
std::string explain_text(const CheckDef& def, const CheckDoc& doc, const Knowledge& knowledge);
// The same explanation as Markdown (headings, lists, code for commands).
std::string explain_markdown(const CheckDef& def, const CheckDoc& doc, const Knowledge& knowledge);

} // namespace lsmdoctor
