#pragma once
// SIMD vectors that stand in for the arithmetic type `Real` of a
// potential's force_divr (kernels/PairPotential.hpp), so the cluster-pair
// kernel evaluates a potential written in + - * / (LennardJones) on many
// pairs at once, from the potential's own source. A potential says it is
// written so with `static constexpr bool arithmetic_only = true`; the
// others run lane by lane. Two instruction sets: AVX-512 (STRATA_SIMD_AVX512:
// 8 doubles, 16 floats) and AVX2 with FMA (STRATA_SIMD_AVX2, x86-64-v3:
// 4 doubles, 8 floats).
//
// AVX-512 division is the reciprocal estimate (14 bits) refined by Newton
// steps (fused multiply-adds, explicit, so every build computes them
// alike), each of which squares the relative error: two steps for double
// (2^-56), one for float (2^-28), then a multiplication. A correctly
// rounded division costs 16 cycles per 8 doubles on this class of core,
// more than the rest of a Lennard-Jones pair; the refined estimate differs
// from it by an ulp or so. AVX2 has no double-precision estimate: doubles
// divide exactly, floats take the 12-bit estimate and one Newton step.
#include <type_traits>

namespace strata::simd {

// Whether Potential::force_divr is written in + - * / only.
template <class P, class = void>
struct ArithmeticOnly : std::false_type {};
template <class P>
struct ArithmeticOnly<P, std::void_t<decltype(P::arithmetic_only)>> : std::bool_constant<P::arithmetic_only> {};

}  // namespace strata::simd

#if defined(__AVX512F__) && defined(__AVX512DQ__) && !defined(__CUDACC__)
#define STRATA_SIMD_AVX512 1
// GCC 12's AVX-512 intrinsics trip -W(maybe-)uninitialized in the header
// itself (GCC bug 105593; see kernels/Random.hpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

namespace strata::simd {

struct Doubles {  // 8 lanes
  __m512d v;
  Doubles() = default;
  Doubles(double s) : v(_mm512_set1_pd(s)) {}  // NOLINT: implicit, as Real(1) and Real(c.a) are written
  Doubles(__m512d x) : v(x) {}                 // NOLINT
};
inline Doubles operator+(Doubles a, Doubles b) { return _mm512_add_pd(a.v, b.v); }
inline Doubles operator-(Doubles a, Doubles b) { return _mm512_sub_pd(a.v, b.v); }
inline Doubles operator-(Doubles a) { return _mm512_sub_pd(_mm512_setzero_pd(), a.v); }
inline Doubles operator*(Doubles a, Doubles b) { return _mm512_mul_pd(a.v, b.v); }
inline Doubles operator/(Doubles a, Doubles b) {
  const __m512d two = _mm512_set1_pd(2.0);
  __m512d r = _mm512_rcp14_pd(b.v);
  r = _mm512_mul_pd(r, _mm512_fnmadd_pd(b.v, r, two));
  r = _mm512_mul_pd(r, _mm512_fnmadd_pd(b.v, r, two));
  return _mm512_mul_pd(a.v, r);
}

struct Floats {  // 16 lanes
  __m512 v;
  Floats() = default;
  Floats(float s) : v(_mm512_set1_ps(s)) {}  // NOLINT
  Floats(__m512 x) : v(x) {}                 // NOLINT
};
inline Floats operator+(Floats a, Floats b) { return _mm512_add_ps(a.v, b.v); }
inline Floats operator-(Floats a, Floats b) { return _mm512_sub_ps(a.v, b.v); }
inline Floats operator-(Floats a) { return _mm512_sub_ps(_mm512_setzero_ps(), a.v); }
inline Floats operator*(Floats a, Floats b) { return _mm512_mul_ps(a.v, b.v); }
inline Floats operator/(Floats a, Floats b) {
  __m512 r = _mm512_rcp14_ps(b.v);
  r = _mm512_mul_ps(r, _mm512_fnmadd_ps(b.v, r, _mm512_set1_ps(2.0f)));
  return _mm512_mul_ps(a.v, r);
}

}  // namespace strata::simd
#endif

#if !defined(STRATA_SIMD_AVX512) && defined(__AVX2__) && defined(__FMA__) && !defined(__CUDACC__)
#define STRATA_SIMD_AVX2 1
#include <immintrin.h>

namespace strata::simd {

struct Doubles {  // 4 lanes
  __m256d v;
  Doubles() = default;
  Doubles(double s) : v(_mm256_set1_pd(s)) {}  // NOLINT: implicit, as Real(1) and Real(c.a) are written
  Doubles(__m256d x) : v(x) {}                 // NOLINT
};
inline Doubles operator+(Doubles a, Doubles b) { return _mm256_add_pd(a.v, b.v); }
inline Doubles operator-(Doubles a, Doubles b) { return _mm256_sub_pd(a.v, b.v); }
inline Doubles operator-(Doubles a) { return _mm256_sub_pd(_mm256_setzero_pd(), a.v); }
inline Doubles operator*(Doubles a, Doubles b) { return _mm256_mul_pd(a.v, b.v); }
inline Doubles operator/(Doubles a, Doubles b) { return _mm256_div_pd(a.v, b.v); }

struct Floats {  // 8 lanes
  __m256 v;
  Floats() = default;
  Floats(float s) : v(_mm256_set1_ps(s)) {}  // NOLINT
  Floats(__m256 x) : v(x) {}                 // NOLINT
};
inline Floats operator+(Floats a, Floats b) { return _mm256_add_ps(a.v, b.v); }
inline Floats operator-(Floats a, Floats b) { return _mm256_sub_ps(a.v, b.v); }
inline Floats operator-(Floats a) { return _mm256_sub_ps(_mm256_setzero_ps(), a.v); }
inline Floats operator*(Floats a, Floats b) { return _mm256_mul_ps(a.v, b.v); }
inline Floats operator/(Floats a, Floats b) {
  __m256 r = _mm256_rcp_ps(b.v);
  r = _mm256_mul_ps(r, _mm256_fnmadd_ps(b.v, r, _mm256_set1_ps(2.0f)));
  return _mm256_mul_ps(a.v, r);
}

}  // namespace strata::simd
#endif

#if defined(STRATA_SIMD_AVX512) || defined(STRATA_SIMD_AVX2)
#define STRATA_SIMD 1
#endif
