// One pass over a line for its end and its first 'j': the audit.log scanner
// needs both (every record's end, and subj= for which a 'j' is rare in audit
// records), and one pass costs less than two searches.
#pragma once

namespace lsmdoctor {

// A search for the end of the line that starts at `p` (its newline, or `end`
// when there is none) that sets `first_j` to the first 'j' before that end
// (nullptr when none).
using LineEndSearch = const char* (*)(const char* p, const char* end, const char*& first_j);

// The fastest search this CPU runs: 32 bytes at a time with AVX2, else
// find_line_end_portable. Pick it once, call it per line.
LineEndSearch line_end_search();

// 16 bytes at a time with SSE2, else two memchr.
const char* find_line_end_portable(const char* p, const char* end, const char*& first_j);

} // namespace lsmdoctor
