#pragma once
// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11).
//
// Every draw is a pure function of (seed, particle id, step, stream), so a
// particle's noise does not depend on which rank owns it, on the order of the
// particles in memory, or on the number of threads: trajectories are
// bitwise identical on any number of ranks. There is no generator state to
// save in a checkpoint beyond the seed.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <cstdint>

#include "kernels/Math.hpp"

#if (defined(__AVX512F__) || defined(__AVX2__)) && !defined(__CUDACC__)
// GCC 12's AVX-512 intrinsics fill their unused mask operand with a
// self-initialized variable that -Wmaybe-uninitialized reports (GCC bug
// 105593, fixed in later releases); the warning is about the header, not this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#if defined(__AVX512F__)
#define STRATA_PHILOX_AVX512 1
#else
#define STRATA_PHILOX_AVX2 1
#endif
#endif

namespace strata {

// One id per use of randomness; never reuse a stream for two purposes.
enum class RngStream : std::uint32_t {
  InitialPosition = 1,
  InitialVelocity = 2,
  Brownian = 3,
  Langevin = 4,
};

struct Philox4x32 {
  std::uint32_t v[4];
};

KOKKOS_INLINE_FUNCTION void philox_mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi,
                                           std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b);
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

// Philox4x32 with 10 rounds: four 32-bit outputs for a 128-bit counter and a 64-bit key.
KOKKOS_INLINE_FUNCTION Philox4x32 philox4x32_10(Philox4x32 c, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(M0, c.v[0], hi0, lo0);
    philox_mulhilo(M1, c.v[2], hi1, lo1);
    c = Philox4x32{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
    k0 += W0;
    k1 += W1;
  }
  return c;
}

// Four random 32-bit words for one (seed, id, step, stream). Steps up to 2^48
// and 65536 streams fit the counter without collisions.
KOKKOS_INLINE_FUNCTION Philox4x32 random_words(std::uint64_t seed, std::uint64_t id, std::uint64_t step,
                                               RngStream stream) {
  Philox4x32 c{{static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32),
                static_cast<std::uint32_t>(step),
                static_cast<std::uint32_t>((step >> 32) & 0xFFFFu) |
                    (static_cast<std::uint32_t>(stream) << 16)}};
  return philox4x32_10(c, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
}

#ifdef STRATA_PHILOX_AVX512
// random_words on eight ids at once, one counter per 64-bit lane, with the
// 32 x 32 -> 64-bit multiply the algorithm needs (vpmuludq); GCC's
// vectorizer, given the scalar rounds, widens both factors and multiplies
// 64 x 64 bits (vpmullq, three micro-ops), which made the Philox rounds
// most of the Brownian step's time. For one (seed, step, stream): the
// constants are set up once, words() is called per eight ids.
struct Philox8 {
  __m512i low32, m0, m1, c2_init, c3_init;
  std::uint32_t key0, key1;
  Philox8(std::uint64_t seed, std::uint64_t step, RngStream stream)
      : low32(_mm512_set1_epi64(0xFFFFFFFFll)),
        m0(_mm512_set1_epi64(0xD2511F53ll)),
        m1(_mm512_set1_epi64(0xCD9E8D57ll)),
        c2_init(_mm512_set1_epi64(static_cast<long long>(step & 0xFFFFFFFFu))),
        c3_init(_mm512_set1_epi64(static_cast<long long>(
            ((step >> 32) & 0xFFFFu) | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(stream)) << 16)))),
        key0(static_cast<std::uint32_t>(seed)),
        key1(static_cast<std::uint32_t>(seed >> 32)) {}
  // Words 0, 1, 2 of random_words(seed, id[l], step, stream) in the low 32
  // bits of lane l of w0, w1, w2 (the high 32 bits are zero).
  void words(const std::int64_t* id, __m512i& w0, __m512i& w1, __m512i& w2) const {
    const __m512i ids = _mm512_loadu_si512(static_cast<const void*>(id));
    __m512i c0 = _mm512_and_si512(ids, low32), c1 = _mm512_srli_epi64(ids, 32), c2 = c2_init, c3 = c3_init;
    std::uint32_t k0 = key0, k1 = key1;
    for (int round = 0; round < 10; ++round) {
      const __m512i p0 = _mm512_mul_epu32(c0, m0), p1 = _mm512_mul_epu32(c2, m1);
      const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), c1), _mm512_set1_epi64(k0));
      const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), c3), _mm512_set1_epi64(k1));
      c1 = _mm512_and_si512(p1, low32);
      c3 = _mm512_and_si512(p0, low32);
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    w0 = c0;
    w1 = c1;
    w2 = c2;
  }
};
#endif

// Words 0..2 of random_words(seed, id[k], step, stream) for k in [0, n),
// into w0, w1, w2: a block of rows on a CPU, eight counters at a time with
// AVX-512 (Philox8), four with AVX2. The same words, bit for bit (a unit
// test compares). With AVX-512 or AVX2, rows (three doubles per id, as
// positions) are prefetched into the cache as the rounds go, for a caller
// that reads them next.
KOKKOS_INLINE_FUNCTION void random_words_block(std::uint64_t seed, const std::int64_t* id, std::size_t n,
                                               std::uint64_t step, RngStream stream, std::uint32_t* w0,
                                               std::uint32_t* w1, std::uint32_t* w2,
                                               [[maybe_unused]] const double* rows = nullptr) {
  std::size_t k = 0;
#ifdef STRATA_PHILOX_AVX512
  const Philox8 philox(seed, step, stream);
  for (; k + 8 <= n; k += 8) {
    if (rows != nullptr) {  // eight rows of 24 bytes: three cache lines
      const char* line = reinterpret_cast<const char*>(rows + 3 * k);
      _mm_prefetch(line, _MM_HINT_T0);
      _mm_prefetch(line + 64, _MM_HINT_T0);
      _mm_prefetch(line + 128, _MM_HINT_T0);
    }
    __m512i c0, c1, c2;
    philox.words(id + k, c0, c1, c2);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w0 + k), _mm512_cvtepi64_epi32(c0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w1 + k), _mm512_cvtepi64_epi32(c1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w2 + k), _mm512_cvtepi64_epi32(c2));
  }
#elif defined(STRATA_PHILOX_AVX2)
  // The same rounds on four counters per 256-bit vector (AVX2 machines).
  const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFll);
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53ll), m1 = _mm256_set1_epi64x(0xCD9E8D57ll);
  const __m256i c2_init = _mm256_set1_epi64x(static_cast<long long>(step & 0xFFFFFFFFu));
  const __m256i c3_init = _mm256_set1_epi64x(static_cast<long long>(
      ((step >> 32) & 0xFFFFu) | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(stream)) << 16)));
  // The low 32 bits of each 64-bit lane, packed into four 32-bit words.
  const __m256i pack = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  for (; k + 4 <= n; k += 4) {
    if (rows != nullptr) {  // four rows of 24 bytes, within two cache lines from the first
      const char* line = reinterpret_cast<const char*>(rows + 3 * k);
      _mm_prefetch(line, _MM_HINT_T0);
      _mm_prefetch(line + 64, _MM_HINT_T0);
    }
    const __m256i ids = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(id + k));
    __m256i c0 = _mm256_and_si256(ids, low32), c1 = _mm256_srli_epi64(ids, 32), c2 = c2_init, c3 = c3_init;
    std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      const __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
      const __m256i n0 =
          _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), _mm256_set1_epi64x(static_cast<long long>(k0)));
      const __m256i n2 =
          _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), _mm256_set1_epi64x(static_cast<long long>(k1)));
      c1 = _mm256_and_si256(p1, low32);
      c3 = _mm256_and_si256(p0, low32);
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w0 + k), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c0, pack)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w1 + k), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c1, pack)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w2 + k), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c2, pack)));
  }
#endif
  for (; k < n; ++k) {
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id[k]), step, stream);
    w0[k] = w.v[0];
    w1[k] = w.v[1];
    w2[k] = w.v[2];
  }
}

// Uniform in (0, 1): never 0 (safe for log) and never 1.
KOKKOS_INLINE_FUNCTION double uniform_open(std::uint32_t w) {
  return (static_cast<double>(w) + 0.5) * (1.0 / 4294967296.0);
}

// Three independent standard normals (Box-Muller on the four words; the
// fourth normal is not needed and is not computed).
KOKKOS_INLINE_FUNCTION void normal3(const Philox4x32& r, double& n0, double& n1, double& n2) {
  constexpr double two_pi = 6.283185307179586476925286766559;
  const double r0 = math::sqrt(-2.0 * math::log(uniform_open(r.v[0])));
  const double a0 = two_pi * uniform_open(r.v[1]);
  const double r1 = math::sqrt(-2.0 * math::log(uniform_open(r.v[2])));
  const double a1 = two_pi * uniform_open(r.v[3]);
  n0 = r0 * math::cos(a0);
  n1 = r0 * math::sin(a0);
  n2 = r1 * math::cos(a1);
}

// Three independent variates uniform on (-sqrt(3), sqrt(3)): zero mean, unit
// variance, and exactly symmetric (word w and 2^32-1-w give opposite values).
KOKKOS_INLINE_FUNCTION void uniform3_unit_variance(const Philox4x32& r, double& n0, double& n1, double& n2) {
  constexpr double sqrt3 = 1.7320508075688772935274463415059;
  n0 = sqrt3 * (2.0 * uniform_open(r.v[0]) - 1.0);
  n1 = sqrt3 * (2.0 * uniform_open(r.v[1]) - 1.0);
  n2 = sqrt3 * (2.0 * uniform_open(r.v[2]) - 1.0);
}

}  // namespace strata
