#include "parse/line_search.h"

#include "parse/byte_words.h"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LSMD_LINE_SEARCH_AVX2 1
#endif

namespace lsmdoctor {
namespace {

// The rest of a line shorter than a vector: two memchr.
const char* finish_line(const char* p, const char* end, const char*& first_j) {
  const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
  const char* stop = newline ? static_cast<const char*>(newline) : end;
  if (first_j == nullptr)
    first_j = static_cast<const char*>(std::memchr(p, 'j', static_cast<std::size_t>(stop - p)));
  return stop;
}

// Notes the first 'j' of a vector whose marks are `js`, if it comes before
// its first newline (`newlines`), and tells whether the line ends in it.
inline bool note_vector(const char* p, std::uint32_t newlines, std::uint32_t js,
                        const char*& first_j) {
  if (first_j == nullptr && js != 0 &&
      (newlines == 0 || std::countr_zero(js) < std::countr_zero(newlines)))
    first_j = p + std::countr_zero(js);
  return newlines != 0;
}

#if LSMD_LINE_SEARCH_AVX2
__attribute__((target("avx2"))) const char* find_line_end_avx2(const char* p, const char* end,
                                                               const char*& first_j) {
  const __m256i newline = _mm256_set1_epi8('\n');
  const __m256i jay = _mm256_set1_epi8('j');
  first_j = nullptr;
  for (; end - p >= 32; p += 32) {
    __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    auto newlines =
        static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, newline)));
    auto js = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, jay)));
    if ((newlines | js) != 0 && note_vector(p, newlines, js, first_j))
      return p + std::countr_zero(newlines);
  }
  return finish_line(p, end, first_j);
}
#endif

} // namespace

const char* find_line_end_portable(const char* p, const char* end, const char*& first_j) {
  first_j = nullptr;
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16) {
    std::uint32_t newlines = words::match16(p, '\n');
    std::uint32_t js = words::match16(p, 'j');
    if ((newlines | js) != 0 && note_vector(p, newlines, js, first_j))
      return p + std::countr_zero(newlines);
  }
#endif
  return finish_line(p, end, first_j);
}

LineEndSearch line_end_search() {
#if LSMD_LINE_SEARCH_AVX2
  static const bool have_avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  if (have_avx2)
    return find_line_end_avx2;
#endif
  return find_line_end_portable;
}

} // namespace lsmdoctor
