// Eight bytes at a time: finding a byte in a 64-bit word without a loop over
// its bytes or a call (SWAR). For hot parsers whose spans are a few dozen
// bytes, where a byte loop mispredicts its exit and memchr costs its call.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

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

} // namespace lsmdoctor::words
