// Finding a byte in eight bytes at once (a 64-bit word, SWAR) or sixteen
// (SSE2), without a loop over the bytes or a call. For hot parsers whose
// spans are a few dozen bytes, where a byte loop mispredicts its exit and
// memchr costs its call.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lsmdoctor::words {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;

// The eight bytes at `p`, byte i in bits 8i..8i+7 whatever the machine's
// byte order.
inline std::uint64_t load(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  if constexpr (std::endian::native == std::endian::big)
    word = __builtin_bswap64(word);
  return word;
}

// The high bit of byte i is set exactly when byte i of `word` is `c` (no
// false positives: no borrow crosses from one byte into the next).
inline std::uint64_t match(std::uint64_t word, char c) {
  std::uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

// The index of the first byte marked in `mask` (nonzero), 0..7.
inline unsigned first(std::uint64_t mask) {
  return static_cast<unsigned>(std::countr_zero(mask)) / 8;
}

// The index of the last byte marked in `mask` (nonzero), 0..7.
inline unsigned last(std::uint64_t mask) {
  return 7 - static_cast<unsigned>(std::countl_zero(mask)) / 8;
}

// The bytes (or marks) of `word` before index `n`, zeros after.
inline std::uint64_t before(std::uint64_t word, std::size_t n) {
  return n >= 8 ? word : word & ((std::uint64_t{1} << (8 * n)) - 1);
}

// The first `c` in [p, limit), or `limit`.
inline const char* find(const char* p, const char* limit, char c) {
  for (; limit - p >= 8; p += 8)
    if (std::uint64_t hits = match(load(p), c))
      return p + first(hits);
  for (; p < limit; ++p)
    if (*p == c)
      return p;
  return limit;
}

// Bit i set exactly when byte i of the 16 at `p` is `c`, from two words.
inline std::uint32_t match16_words(const char* p, char c) {
  // The high bit of each marked byte, gathered into the low eight bits.
  auto gather = [](std::uint64_t marks) {
    return static_cast<std::uint32_t>(((marks >> 7) * 0x0102040810204080ULL) >> 56);
  };
  return gather(match(load(p), c)) | gather(match(load(p + 8), c)) << 8;
}

// The same in one SSE2 compare where there is SSE2 (every x86-64).
inline std::uint32_t match16(const char* p, char c) {
#if defined(__SSE2__)
  __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))));
#else
  return match16_words(p, c);
#endif
}

// Bit i set exactly when byte i of the 32 at `p` is `c`.
inline std::uint32_t match32(const char* p, char c) {
  return match16(p, c) | match16(p + 16, c) << 16;
}

} // namespace lsmdoctor::words
