// CRC32 as RocketMQ stores it in BODYCRC: IEEE 802.3, reflected polynomial 0xEDB88320, the value
// of zlib's crc32() and java.util.zip.CRC32. crc32("123456789") == 0xCBF43926.
//
// Three implementations give the same value: carry-less multiplication folding (x86-64 with
// PCLMULQDQ, about 16 bytes per cycle, chosen at run time), slicing-by-8 (any CPU, about one byte
// per cycle) and the byte-at-a-time table (kept as the reference the others are tested against).
// Header-only so plugins need no library of the core.
#pragma once

#include "mq/sdk/bytes.h"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MQ_SDK_CRC32_PCLMUL 1
#endif

namespace mq::sdk::record {
namespace detail {

constexpr std::uint32_t kCrc32Polynomial = 0xEDB88320u;

// kCrc32Tables[0] is the classic table; kCrc32Tables[k][n] is the CRC of byte n followed by k
// zero bytes, which lets slicing-by-8 fold eight bytes with eight look-ups.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_crc32_tables() noexcept {
  std::array<std::array<std::uint32_t, 256>, 8> tables{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (kCrc32Polynomial ^ (c >> 1)) : (c >> 1);
    tables[0][n] = c;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::uint32_t n = 0; n < 256; ++n) {
      const std::uint32_t prev = tables[k - 1][n];
      tables[k][n] = tables[0][prev & 0xFFu] ^ (prev >> 8);
    }
  }
  return tables;
}
inline constexpr auto kCrc32Tables = make_crc32_tables();

// The raw (not inverted) CRC state carried over `data`, one byte at a time.
inline std::uint32_t crc32_bytewise(const std::uint8_t* data, std::size_t size,
                                    std::uint32_t state) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    state = kCrc32Tables[0][(state ^ data[i]) & 0xFFu] ^ (state >> 8);
  }
  return state;
}

// The raw CRC state carried over `data`, eight bytes per step (little-endian loads).
inline std::uint32_t crc32_slice8(const std::uint8_t* data, std::size_t size,
                                  std::uint32_t state) noexcept {
  const auto& t = kCrc32Tables;
  while (size >= 8) {
    std::uint32_t lo = 0, hi = 0;
    std::memcpy(&lo, data, 4);
    std::memcpy(&hi, data + 4, 4);
    if constexpr (std::endian::native == std::endian::big) {
      lo = __builtin_bswap32(lo);
      hi = __builtin_bswap32(hi);
    }
    lo ^= state;
    state = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
            t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    data += 8;
    size -= 8;
  }
  return crc32_bytewise(data, size, state);
}

#ifdef MQ_SDK_CRC32_PCLMUL
// Folds 64-byte blocks with carry-less multiplications, then reduces 128 -> 32 bits with a
// Barrett reduction (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ").
#define MQ_SDK_CRC32_TARGET __attribute__((target("pclmul,sse4.1")))
MQ_SDK_CRC32_TARGET inline __m128i crc32_load(const std::uint8_t* p) noexcept {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
// x.low * k.low  xor  x.high * k.high
MQ_SDK_CRC32_TARGET inline __m128i crc32_fold(__m128i x, __m128i k) noexcept {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

// REQUIRES: size >= 64 and size % 16 == 0. Returns the raw state.
MQ_SDK_CRC32_TARGET inline std::uint32_t crc32_pclmul_blocks(const std::uint8_t* data,
                                                             std::size_t size,
                                                             std::uint32_t state) noexcept {
  const auto load = crc32_load;
  const auto fold = crc32_fold;
  // x^(4*128+32), x^(4*128-32), x^(128+32), x^(128-32), x^64 mod P, P' and mu (bit-reflected).
  const __m128i k1k2 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
  const __m128i k3k4 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
  const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124LL);
  const __m128i poly_mu = _mm_set_epi64x(0x1F7011641LL, 0x1DB710641LL);
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);

  __m128i x1 = _mm_xor_si128(load(data), _mm_cvtsi32_si128(static_cast<int>(state)));
  __m128i x2 = load(data + 16);
  __m128i x3 = load(data + 32);
  __m128i x4 = load(data + 48);
  data += 64;
  size -= 64;
  while (size >= 64) {
    x1 = _mm_xor_si128(fold(x1, k1k2), load(data));
    x2 = _mm_xor_si128(fold(x2, k1k2), load(data + 16));
    x3 = _mm_xor_si128(fold(x3, k1k2), load(data + 32));
    x4 = _mm_xor_si128(fold(x4, k1k2), load(data + 48));
    data += 64;
    size -= 64;
  }
  x1 = _mm_xor_si128(fold(x1, k3k4), x2);
  x1 = _mm_xor_si128(fold(x1, k3k4), x3);
  x1 = _mm_xor_si128(fold(x1, k3k4), x4);
  while (size >= 16) {
    x1 = _mm_xor_si128(fold(x1, k3k4), load(data));
    data += 16;
    size -= 16;
  }
  // 128 -> 64 bits (appends 32 zero bits).
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x10), _mm_srli_si128(x1, 8));
  // 64 -> 32 bits.
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5, 0x00),
                     _mm_srli_si128(x1, 4));
  // Barrett reduction to the 32-bit remainder.
  __m128i x2b = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly_mu, 0x10);
  x2b = _mm_clmulepi64_si128(_mm_and_si128(x2b, mask32), poly_mu, 0x00);
  x1 = _mm_xor_si128(x1, x2b);
  return static_cast<std::uint32_t>(_mm_extract_epi32(x1, 1));
}
#undef MQ_SDK_CRC32_TARGET

inline bool crc32_pclmul_available() noexcept {
  static const bool available =
      __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return available;
}
#endif

}  // namespace detail

// Continues `crc` (0 to start) over `data`.
inline std::uint32_t crc32(ByteView data, std::uint32_t crc = 0) noexcept {
  std::uint32_t state = ~crc;
  const std::uint8_t* p = data.data();
  std::size_t size = data.size();
#ifdef MQ_SDK_CRC32_PCLMUL
  if (size >= 128 && detail::crc32_pclmul_available()) {
    const std::size_t blocks = size & ~std::size_t{15};
    state = detail::crc32_pclmul_blocks(p, blocks, state);
    p += blocks;
    size -= blocks;
  }
#endif
  return ~detail::crc32_slice8(p, size, state);
}

// BODYCRC as stored: the CRC32 of the body as stored, with the sign bit cleared.
inline std::int32_t body_crc(ByteView body) noexcept {
  return static_cast<std::int32_t>(crc32(body) & 0x7FFFFFFFu);
}

}  // namespace mq::sdk::record
