#pragma once
// The pair kernel over a ClusterPairList (CPUs; included by
// PairPotential.cpp only). Per owned cluster I, for each listed cluster J,
// the kLanes = 4 x 4 pairs are one loop over lanes (lane a * 4 + b: row a
// of I with row b of J) that loads nothing but the two clusters'
// coordinates, contiguous: the compiler turns it into a few SIMD vectors
// (two in double, one in float on AVX-512). A lane computes when the list's
// mask allows it and r^2 is inside the cutoff; the others are zeroed by a
// select (the lane loop and the AVX2 form compute them at r^2 = 1; the
// AVX-512 forms at their own r^2, inf or NaN for a row with itself, which
// the masked move discards). I's forces are
// summed across J in the lanes and added once at the end; J's reactions are
// summed across the four i lanes and added once per cluster pair. Each
// row's force is then summed from its slots in a fixed order, so results
// are repeatable, though rounded differently from the particle list's
// kernel. With AVX-512 or AVX2 and a potential written in + - * / only
// (`arithmetic_only`, kernels/SimdReal.hpp), the lanes are explicit
// vectors and the potential runs on them; otherwise a loop over the lanes.
//
// Threads: the owned clusters are cut into `parts` equal runs (one per
// host thread), each with its own slot-force buffer (in mixed precision on
// AVX-512, its own reaction lanes), summed in part order afterwards: no
// atomics, and the same sums at a given thread count.
//
// The slots' coordinates are refreshed from the rows before the kernel,
// and the slots' forces go back to the rows after it: owned rows get their
// slot's force, and a ghost slot's force goes to its reaction row (the
// source of a periodic image, or the ghost row HaloExchange sends home).
#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/ClusterPairList.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/PairPotential.hpp"
#include "kernels/SimdReal.hpp"

namespace strata {
namespace cluster_kernel {

constexpr int K = ClusterPairList::kCluster;
constexpr int L = ClusterPairList::kLanes;
constexpr int S = ClusterPairList::kStride;
constexpr int R = ClusterPairList::kReactionStride;

#ifdef STRATA_SIMD_AVX512
// Cluster c's four rows, for masked gathers and scatters: which slots hold
// one (`real`; padding's row is -1) and where coordinate d of each lies in
// a view of `stride` elements per row (at(d)).
struct FourRows {
  __mmask8 real;
  __m128i first;
  FourRows(const int* slot_row, int c, int stride) {
    const __m128i rows = _mm_loadu_si128(reinterpret_cast<const __m128i*>(slot_row + c * K));
    real = _mm_cmpge_epi32_mask(rows, _mm_setzero_si128());
    first = _mm_mullo_epi32(rows, _mm_set1_epi32(stride));
  }
  __m128i at(int d) const { return _mm_add_epi32(first, _mm_set1_epi32(d)); }
};
#endif

// Whether mixed precision runs whole cluster pairs in floats (AVX-512):
// the differences of coordinates from the hi/lo floats, the potential, the
// pair forces, and their sums per lane (a lane is a row pair of I and J)
// over I's list (I's forces) and over the clusters that list J (J's
// reactions), a few dozen terms each; the lanes are then summed in double
// into each slot. Elsewhere mixed precision converts r^2 (taken in double)
// to float for the potential only.
template <class Potential, class Real, bool SingleSpecies>
constexpr bool float_pairs() {
#ifdef STRATA_SIMD_AVX512
  return std::is_same_v<Real, float> && SingleSpecies && simd::ArithmeticOnly<Potential>::value;
#else
  return false;
#endif
}

template <class Potential, class Real, bool WithSums, bool SingleSpecies>
struct Loop {
  static constexpr bool kFloatPairs = float_pairs<Potential, Real, SingleSpecies>();
  const double* coord;    // slot coordinates (ClusterPairList::coords)
  const float* mixed;     // or their hi/lo floats (mixed_coords), where kFloatPairs
  float* reaction_lanes;  // and J's reactions there, per lane (ClusterPairList::reaction_lanes)
  double* rows_force;     // and I's forces straight into the rows (p.force)
  int force_stride;
  const int *offset, *jcl, *slot_row;
  const std::uint16_t* mask;
  IntView species;
  double* force;  // parts buffers laid out as the coordinates
  int n_clusters, n_i, parts;
  PairTable<Potential> t;

  int slot_species(int s) const {
    const int row = slot_row[s];
    return row < 0 ? 0 : species(row);
  }

  void operator()(const int part, double& energy, double& virial) const {
    const int begin = static_cast<int>(static_cast<long long>(n_i) * part / parts);
    const int end = static_cast<int>(static_cast<long long>(n_i) * (part + 1) / parts);
#ifdef STRATA_SIMD_AVX512
    if constexpr (kFloatPairs) {
      float* jr = reaction_lanes + static_cast<std::size_t>(part) * n_clusters * R;
      for (int I = begin; I < end; ++I) float_vectors(I, jr, energy, virial);
      return;
    }
#endif
    double* f = force + static_cast<std::size_t>(part) * n_clusters * S;
#ifdef STRATA_SIMD
    if constexpr (!kFloatPairs && SingleSpecies && simd::ArithmeticOnly<Potential>::value) {
      for (int I = begin; I < end; ++I) vectors(I, f, energy, virial);
      return;
    }
#endif
    for (int I = begin; I < end; ++I) lanes(I, f, energy, virial);
  }

  // The portable form: a loop over the 16 lanes (the compiler vectorizes
  // what it can).
  void lanes(const int I, double* f, double& energy, double& virial) const {
    double xi[L], yi[L], zi[L];
    int ti[K] = {};
    for (int l = 0; l < L; ++l) {
      xi[l] = coord[I * S + l / K];
      yi[l] = coord[I * S + K + l / K];
      zi[l] = coord[I * S + 2 * K + l / K];
    }
    if (!SingleSpecies)
      for (int a = 0; a < K; ++a) ti[a] = slot_species(I * K + a);
    const typename Potential::Params c0 = t.coeff[0][0];
    const double cutsq0 = t.cutsq[0][0], shift0 = t.shift[0][0];
    double fix[L] = {}, fiy[L] = {}, fiz[L] = {}, el[L] = {}, vl[L] = {};
    for (int k = offset[I]; k < offset[I + 1]; ++k) {
      const int J = jcl[k];
      const unsigned m = mask[k];
      const double *xj = coord + J * S, *yj = xj + K, *zj = xj + 2 * K;
      int tj[K] = {};
      if (!SingleSpecies)
        for (int b = 0; b < K; ++b) tj[b] = slot_species(J * K + b);
      double cfx[L], cfy[L], cfz[L];
      for (int l = 0; l < L; ++l) {
        const double dx = xi[l] - xj[l % K], dy = yi[l] - yj[l % K], dz = zi[l] - zj[l % K];
        const double rsq = dx * dx + dy * dy + dz * dz;
        const int a = l / K, b = l % K;
        const double cutsq = SingleSpecies ? cutsq0 : t.cutsq[ti[a]][tj[b]];
        const bool in = ((m >> l) & 1u) != 0 && rsq < cutsq;
        Real e = 0;
        const Real f_r =
            Potential::force_divr(SingleSpecies ? c0 : t.coeff[ti[a]][tj[b]], static_cast<Real>(in ? rsq : 1.0), e);
        const double fpair = in ? static_cast<double>(f_r) : 0.0;
        cfx[l] = dx * fpair;
        cfy[l] = dy * fpair;
        cfz[l] = dz * fpair;
        fix[l] += cfx[l];
        fiy[l] += cfy[l];
        fiz[l] += cfz[l];
        if (WithSums) {
          const double shift = SingleSpecies ? shift0 : t.shift[ti[a]][tj[b]];
          el[l] += in ? static_cast<double>(e) - shift : 0.0;
          vl[l] += rsq * fpair;
        }
      }
      // J's reactions: the four i lanes of each j row, in a fixed order.
      for (int b = 0; b < K; ++b) {
        double* fj = f + J * S + b;
        fj[0] -= (cfx[b] + cfx[b + 2 * K]) + (cfx[b + K] + cfx[b + 3 * K]);
        fj[K] -= (cfy[b] + cfy[b + 2 * K]) + (cfy[b + K] + cfy[b + 3 * K]);
        fj[2 * K] -= (cfz[b] + cfz[b + 2 * K]) + (cfz[b + K] + cfz[b + 3 * K]);
      }
    }
    add_own(I, f, fix, fiy, fiz);
    if (WithSums)
      for (int l = 0; l < L; ++l) {
        energy += el[l];
        virial += vl[l];
      }
  }

  // I's own forces: lane a * K + b holds row a's sum over the b rows of
  // every J.
  void add_own(const int I, double* f, const double* fix, const double* fiy, const double* fiz) const {
    for (int a = 0; a < K; ++a) {
      double* fi = f + I * S + a;
      const int l = a * K;
      fi[0] += (fix[l] + fix[l + 1]) + (fix[l + 2] + fix[l + 3]);
      fi[K] += (fiy[l] + fiy[l + 1]) + (fiy[l + 2] + fiy[l + 3]);
      fi[2 * K] += (fiz[l] + fiz[l + 1]) + (fiz[l + 2] + fiz[l + 3]);
    }
  }

#ifdef STRATA_SIMD_AVX512
  // The AVX-512 form in double: two vectors of 8 doubles per cluster pair
  // (vector h holds rows 2h and 2h + 1 of I against the 4 rows of J), the
  // potential on them. (Mixed precision: float_vectors.)
  void vectors(const int I, double* f, double& energy, double& virial) const {
    static_assert(std::is_same_v<Real, double>);
    using simd::Doubles;
    // Row a in lanes 0-3, row a + 1 in lanes 4-7.
    auto rows_of = [](const double* v, int a) {
      return _mm512_mask_blend_pd(0xF0, _mm512_set1_pd(v[a]), _mm512_set1_pd(v[a + 1]));
    };
    const double *xI = coord + I * S, *yI = xI + K, *zI = xI + 2 * K;
    const __m512d xi[2] = {rows_of(xI, 0), rows_of(xI, 2)};
    const __m512d yi[2] = {rows_of(yI, 0), rows_of(yI, 2)};
    const __m512d zi[2] = {rows_of(zI, 0), rows_of(zI, 2)};
    const typename Potential::Params c = t.coeff[0][0];
    const __m512d cutsq = _mm512_set1_pd(t.cutsq[0][0]), shift = _mm512_set1_pd(t.shift[0][0]);
    const __m512d zero = _mm512_setzero_pd();
    __m512d fix[2] = {zero, zero}, fiy[2] = {zero, zero}, fiz[2] = {zero, zero};
    __m512d el[2] = {zero, zero}, vl[2] = {zero, zero};
    // N cluster pairs at a time, their steps interleaved (as in
    // float_vectors; 4 at a time measured 6% faster than 1).
    auto pairs = [&](const int k, auto n) {
      constexpr int N = decltype(n)::value;
      __m512d dx[N][2], dy[N][2], dz[N][2], rsq[N][2], fr[N][2], e[N][2], cfx[N][2], cfy[N][2], cfz[N][2];
      __mmask8 in[N][2];
      for (int p = 0; p < N; ++p) {
        const double* cJ = coord + jcl[k + p] * S;
        const __m512d xj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ));
        const __m512d yj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + K));
        const __m512d zj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + 2 * K));
        const unsigned m = mask[k + p];
        for (int h = 0; h < 2; ++h) {
          dx[p][h] = _mm512_sub_pd(xi[h], xj);
          dy[p][h] = _mm512_sub_pd(yi[h], yj);
          dz[p][h] = _mm512_sub_pd(zi[h], zj);
          rsq[p][h] = _mm512_fmadd_pd(dz[p][h], dz[p][h],
                                      _mm512_fmadd_pd(dy[p][h], dy[p][h], _mm512_mul_pd(dx[p][h], dx[p][h])));
          in[p][h] = _mm512_mask_cmp_pd_mask(static_cast<__mmask8>(m >> (8 * h)), rsq[p][h], cutsq, _CMP_LT_OQ);
        }
      }
      for (int p = 0; p < N; ++p)
        for (int h = 0; h < 2; ++h) {
          Doubles eh = 0.0;
          // Lanes outside take r^2 as it is (inf or NaN for a row with
          // itself); the masked move below zeroes them.
          fr[p][h] = Potential::force_divr(c, Doubles(rsq[p][h]), eh).v;
          e[p][h] = eh.v;
        }
      for (int p = 0; p < N; ++p)
        for (int h = 0; h < 2; ++h) {
          const __m512d fpair = _mm512_maskz_mov_pd(in[p][h], fr[p][h]);
          cfx[p][h] = _mm512_mul_pd(dx[p][h], fpair);
          cfy[p][h] = _mm512_mul_pd(dy[p][h], fpair);
          cfz[p][h] = _mm512_mul_pd(dz[p][h], fpair);
          fix[h] = _mm512_add_pd(fix[h], cfx[p][h]);
          fiy[h] = _mm512_add_pd(fiy[h], cfy[p][h]);
          fiz[h] = _mm512_add_pd(fiz[h], cfz[p][h]);
          if (WithSums) {
            el[h] = _mm512_add_pd(el[h], _mm512_maskz_mov_pd(in[p][h], _mm512_sub_pd(e[p][h], shift)));
            vl[h] = _mm512_add_pd(vl[h], _mm512_mul_pd(rsq[p][h], fpair));
          }
        }
      // J's reactions: row b's four i lanes, (i0 + i2) + (i1 + i3), as
      // the lane loop adds them.
      auto react = [&](double* fj, const __m512d* c2) {
        const __m512d s = _mm512_add_pd(c2[0], c2[1]);
        const __m256d sum = _mm256_add_pd(_mm512_castpd512_pd256(s), _mm512_extractf64x4_pd(s, 1));
        _mm256_storeu_pd(fj, _mm256_sub_pd(_mm256_loadu_pd(fj), sum));
      };
      for (int p = 0; p < N; ++p) {
        double* fj = f + jcl[k + p] * S;
        react(fj, cfx[p]);
        react(fj + K, cfy[p]);
        react(fj + 2 * K, cfz[p]);
      }
    };
    int k = offset[I];
    for (; k + 3 < offset[I + 1]; k += 4) pairs(k, std::integral_constant<int, 4>());
    for (; k + 1 < offset[I + 1]; k += 2) pairs(k, std::integral_constant<int, 2>());
    if (k < offset[I + 1]) pairs(k, std::integral_constant<int, 1>());
    double lx[L], ly[L], lz[L];
    for (int h = 0; h < 2; ++h) {
      _mm512_storeu_pd(lx + 8 * h, fix[h]);
      _mm512_storeu_pd(ly + 8 * h, fiy[h]);
      _mm512_storeu_pd(lz + 8 * h, fiz[h]);
    }
    add_own(I, f, lx, ly, lz);
    if (WithSums) {
      double le[L], lv[L];
      for (int h = 0; h < 2; ++h) {
        _mm512_storeu_pd(le + 8 * h, el[h]);
        _mm512_storeu_pd(lv + 8 * h, vl[h]);
      }
      for (int l = 0; l < L; ++l) {
        energy += le[l];
        virial += lv[l];
      }
    }
  }

  // Mixed precision's AVX-512 form: one vector of 16 floats per cluster
  // pair (lane a * 4 + b: row a of I, row b of J), 24 floats of J loaded.
  // J's reactions stay in J's lanes (`jr`, 48 floats per cluster), three
  // vector subtractions per cluster pair, added to the rows once per call
  // (after the kernel, in run()); summing J's four i rows per cluster pair instead
  // (five block shuffles, four adds, two conversions) was 10% slower.
  // Measured (32,000 LJ atoms): the force phase about 30% faster than
  // double, where converting r^2 alone was 8% slower; without the lo floats
  // it would gain another 6%, and lose accuracy that grows with the box.
  void float_vectors(const int I, float* jr, double& energy, double& virial) const {
    constexpr int M = ClusterPairList::kMixedStride;
    const float* cI = mixed + static_cast<std::size_t>(I) * M;
    const __m512i spread = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    auto rows = [&](const float* v) { return _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_loadu_ps(v))); };
    auto cluster = [](const float* v) { return _mm512_broadcast_f32x4(_mm_loadu_ps(v)); };
    const __m512 xh = rows(cI), yh = rows(cI + K), zh = rows(cI + 2 * K);
    const __m512 xl = rows(cI + 3 * K), yl = rows(cI + 4 * K), zl = rows(cI + 5 * K);
    const typename Potential::Params c = t.coeff[0][0];
    const __m512 cutsq = _mm512_set1_ps(static_cast<float>(t.cutsq[0][0]));
    const __m512 shift = _mm512_set1_ps(static_cast<float>(t.shift[0][0]));
    const __m512 zero = _mm512_setzero_ps();
    __m512 fix = zero, fiy = zero, fiz = zero, el = zero, vl = zero;
    // N cluster pairs at a time, their steps interleaved (one pair is a
    // chain of dependent operations some hundred cycles long): two at a
    // time measured 3-4% faster than one, four another 6%.
    auto pairs = [&](const int k, auto n) {
      constexpr int N = decltype(n)::value;
      __m512 dx[N], dy[N], dz[N], rsq[N], fpair[N], cfx[N], cfy[N], cfz[N];
      __mmask16 in[N];
      for (int h = 0; h < N; ++h) {
        const float* cJ = mixed + static_cast<std::size_t>(jcl[k + h]) * M;
        dx[h] = _mm512_add_ps(_mm512_sub_ps(xh, cluster(cJ)), _mm512_sub_ps(xl, cluster(cJ + 3 * K)));
        dy[h] = _mm512_add_ps(_mm512_sub_ps(yh, cluster(cJ + K)), _mm512_sub_ps(yl, cluster(cJ + 4 * K)));
        dz[h] = _mm512_add_ps(_mm512_sub_ps(zh, cluster(cJ + 2 * K)), _mm512_sub_ps(zl, cluster(cJ + 5 * K)));
      }
      for (int h = 0; h < N; ++h) {
        rsq[h] = _mm512_fmadd_ps(dz[h], dz[h], _mm512_fmadd_ps(dy[h], dy[h], _mm512_mul_ps(dx[h], dx[h])));
        in[h] = _mm512_mask_cmp_ps_mask(static_cast<__mmask16>(mask[k + h]), rsq[h], cutsq, _CMP_LT_OQ);
      }
      for (int h = 0; h < N; ++h) {
        simd::Floats e = 0.0f;
        // Lanes outside take r^2 as it is (0 for a row with itself: inf
        // or NaN there), and the masked move below zeroes them.
        const __m512 fr = Potential::force_divr(c, simd::Floats(rsq[h]), e).v;
        fpair[h] = _mm512_maskz_mov_ps(in[h], fr);
        if (WithSums) {
          el = _mm512_add_ps(el, _mm512_maskz_sub_ps(in[h], e.v, shift));
          vl = _mm512_add_ps(vl, _mm512_mul_ps(rsq[h], fpair[h]));
        }
      }
      for (int h = 0; h < N; ++h) {
        cfx[h] = _mm512_mul_ps(dx[h], fpair[h]);
        cfy[h] = _mm512_mul_ps(dy[h], fpair[h]);
        cfz[h] = _mm512_mul_ps(dz[h], fpair[h]);
        fix = _mm512_add_ps(fix, cfx[h]);
        fiy = _mm512_add_ps(fiy, cfy[h]);
        fiz = _mm512_add_ps(fiz, cfz[h]);
      }
      // J's reactions stay in their lanes (added to the rows after the kernel).
      for (int h = 0; h < N; ++h) {
        float* r = jr + static_cast<std::size_t>(jcl[k + h]) * R;
        _mm512_storeu_ps(r, _mm512_sub_ps(_mm512_loadu_ps(r), cfx[h]));
        _mm512_storeu_ps(r + L, _mm512_sub_ps(_mm512_loadu_ps(r + L), cfy[h]));
        _mm512_storeu_ps(r + 2 * L, _mm512_sub_ps(_mm512_loadu_ps(r + 2 * L), cfz[h]));
      }
    };
    int k = offset[I];
    for (; k + 3 < offset[I + 1]; k += 4) pairs(k, std::integral_constant<int, 4>());
    for (; k + 1 < offset[I + 1]; k += 2) pairs(k, std::integral_constant<int, 2>());
    if (k < offset[I + 1]) pairs(k, std::integral_constant<int, 1>());
    float sx[L], sy[L], sz[L];
    _mm512_storeu_ps(sx, fix);
    _mm512_storeu_ps(sy, fiy);
    _mm512_storeu_ps(sz, fiz);
    // I's own forces straight into its rows (each owned row is one slot's):
    // row a's lanes summed in double, in add_own's order.
    const float* lanes_of[3] = {sx, sy, sz};
    for (int a = 0; a < K; ++a) {
      const int row = slot_row[I * K + a];
      if (row < 0) continue;
      for (int d = 0; d < 3; ++d) {
        const float* v = lanes_of[d] + a * K;
        rows_force[static_cast<std::size_t>(row) * force_stride + d] =
            (static_cast<double>(v[0]) + static_cast<double>(v[1])) +
            (static_cast<double>(v[2]) + static_cast<double>(v[3]));
      }
    }
    if (WithSums) {
      float le[L], lv[L];
      _mm512_storeu_ps(le, el);
      _mm512_storeu_ps(lv, vl);
      for (int l = 0; l < L; ++l) {
        energy += le[l];
        virial += lv[l];
      }
    }
  }

#elif defined(STRATA_SIMD_AVX2)
  // The AVX2 form: four vectors of 4 doubles per cluster pair (vector a
  // holds row a of I against the 4 rows of J), the potential on them, or
  // in mixed precision on two vectors of 8 floats made from r^2.
  void vectors(const int I, double* f, double& energy, double& virial) const {
    using simd::Doubles;
    using simd::Floats;
    const double* cI = coord + I * S;
    __m256d xi[K], yi[K], zi[K];
    for (int a = 0; a < K; ++a) {
      xi[a] = _mm256_set1_pd(cI[a]);
      yi[a] = _mm256_set1_pd(cI[K + a]);
      zi[a] = _mm256_set1_pd(cI[2 * K + a]);
    }
    const typename Potential::Params c = t.coeff[0][0];
    const __m256d cutsq = _mm256_set1_pd(t.cutsq[0][0]), shift = _mm256_set1_pd(t.shift[0][0]);
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    const __m256i bit = _mm256_set_epi64x(8, 4, 2, 1);  // lane b's bit of a row's 4 mask bits
    __m256d fix[K], fiy[K], fiz[K], el[K], vl[K];
    for (int a = 0; a < K; ++a) fix[a] = fiy[a] = fiz[a] = el[a] = vl[a] = zero;
    for (int k = offset[I]; k < offset[I + 1]; ++k) {
      const int J = jcl[k];
      const unsigned m = mask[k];
      const double* cJ = coord + J * S;
      const __m256d xj = _mm256_loadu_pd(cJ), yj = _mm256_loadu_pd(cJ + K), zj = _mm256_loadu_pd(cJ + 2 * K);
      __m256d dx[K], dy[K], dz[K], rsq[K], rs[K], fr[K], e[K], in[K];
      for (int a = 0; a < K; ++a) {
        dx[a] = _mm256_sub_pd(xi[a], xj);
        dy[a] = _mm256_sub_pd(yi[a], yj);
        dz[a] = _mm256_sub_pd(zi[a], zj);
        rsq[a] = _mm256_fmadd_pd(dz[a], dz[a], _mm256_fmadd_pd(dy[a], dy[a], _mm256_mul_pd(dx[a], dx[a])));
        const __m256i lanes = _mm256_and_si256(_mm256_set1_epi64x((m >> (K * a)) & 0xFu), bit);
        const __m256d allowed = _mm256_castsi256_pd(_mm256_cmpeq_epi64(lanes, bit));
        in[a] = _mm256_and_pd(allowed, _mm256_cmp_pd(rsq[a], cutsq, _CMP_LT_OQ));
        rs[a] = _mm256_blendv_pd(one, rsq[a], in[a]);
      }
      if constexpr (std::is_same_v<Real, float>) {
        for (int p = 0; p < K; p += 2) {
          const __m256 r8 = _mm256_set_m128(_mm256_cvtpd_ps(rs[p + 1]), _mm256_cvtpd_ps(rs[p]));
          Floats e8 = 0.0f;
          const Floats f8 = Potential::force_divr(c, Floats(r8), e8);
          fr[p] = _mm256_cvtps_pd(_mm256_castps256_ps128(f8.v));
          fr[p + 1] = _mm256_cvtps_pd(_mm256_extractf128_ps(f8.v, 1));
          if (WithSums) {
            e[p] = _mm256_cvtps_pd(_mm256_castps256_ps128(e8.v));
            e[p + 1] = _mm256_cvtps_pd(_mm256_extractf128_ps(e8.v, 1));
          }
        }
      } else {
        for (int a = 0; a < K; ++a) {
          Doubles ea = 0.0;
          fr[a] = Potential::force_divr(c, Doubles(rs[a]), ea).v;
          e[a] = ea.v;
        }
      }
      __m256d cfx[K], cfy[K], cfz[K];
      for (int a = 0; a < K; ++a) {
        const __m256d fpair = _mm256_and_pd(in[a], fr[a]);
        cfx[a] = _mm256_mul_pd(dx[a], fpair);
        cfy[a] = _mm256_mul_pd(dy[a], fpair);
        cfz[a] = _mm256_mul_pd(dz[a], fpair);
        fix[a] = _mm256_add_pd(fix[a], cfx[a]);
        fiy[a] = _mm256_add_pd(fiy[a], cfy[a]);
        fiz[a] = _mm256_add_pd(fiz[a], cfz[a]);
        if (WithSums) {
          el[a] = _mm256_add_pd(el[a], _mm256_and_pd(in[a], _mm256_sub_pd(e[a], shift)));
          vl[a] = _mm256_add_pd(vl[a], _mm256_mul_pd(rsq[a], fpair));
        }
      }
      // J's reactions: row b's four i lanes, (i0 + i2) + (i1 + i3).
      auto react = [&](double* fj, const __m256d* c4) {
        const __m256d sum = _mm256_add_pd(_mm256_add_pd(c4[0], c4[2]), _mm256_add_pd(c4[1], c4[3]));
        _mm256_storeu_pd(fj, _mm256_sub_pd(_mm256_loadu_pd(fj), sum));
      };
      react(f + J * S, cfx);
      react(f + J * S + K, cfy);
      react(f + J * S + 2 * K, cfz);
    }
    double lx[L], ly[L], lz[L];
    for (int a = 0; a < K; ++a) {
      _mm256_storeu_pd(lx + K * a, fix[a]);
      _mm256_storeu_pd(ly + K * a, fiy[a]);
      _mm256_storeu_pd(lz + K * a, fiz[a]);
    }
    add_own(I, f, lx, ly, lz);
    if (WithSums) {
      double le[L], lv[L];
      for (int a = 0; a < K; ++a) {
        _mm256_storeu_pd(le + K * a, el[a]);
        _mm256_storeu_pd(lv + K * a, vl[a]);
      }
      for (int l = 0; l < L; ++l) {
        energy += le[l];
        virial += lv[l];
      }
    }
  }
#endif
};

// Forces (overwriting p.force of owned rows and reaction ghost rows) and
// the sums, over a cluster-pair list. Host execution spaces only.
template <class Potential, class Real, bool WithSums, bool SingleSpecies>
void run(const Particles& p, const NeighborList& list, const PairTable<Potential>& table, PairSums& sums) {
  using Host = Kokkos::DefaultHostExecutionSpace;
  const ClusterPairList& cl = list.clusters();
  const int nslot = cl.clusters() * K;
  const auto slot_row = cl.slot_row();
  const auto coords = cl.coords();
  const auto pos = p.position;
  using Loop = cluster_kernel::Loop<Potential, Real, WithSums, SingleSpecies>;
  ClusterPairList::MixedSlots mixed;
  ClusterPairList::MixedSlots lanes;
  // A list built with float slots only (ClusterPairList::float_coordinates)
  // serves the float kernel alone.
  const bool floats_only = cl.float_coordinates();
  if (!Loop::kFloatPairs && floats_only)
    throw std::logic_error("cluster_kernel::run: a list of float slots for a kernel in double");
  if constexpr (Loop::kFloatPairs) {
    mixed = cl.mixed_coords();
    lanes = cl.reaction_lanes(Host().concurrency());
  }
#ifdef STRATA_SIMD_AVX512
  // A cluster's four rows at once: masked gathers (padding keeps the
  // build's far point), 2-3x faster than slot by slot.
  const int pstride = static_cast<int>(pos.stride(0));
  Kokkos::parallel_for("ClusterPair::refresh", Kokkos::RangePolicy<Host>(0, cl.clusters()), [=](const int c) {
    const FourRows four(slot_row.data(), c, pstride);
    for (int d = 0; d < 3; ++d) {
      const __m128i at = four.at(d);
      if constexpr (Loop::kFloatPairs) {
        float* m = mixed.data() + static_cast<std::size_t>(c) * ClusterPairList::kMixedStride;
        if (floats_only) {  // padding's floats stay as the build set them
          const __m256d x = _mm256_mmask_i32gather_pd(_mm256_setzero_pd(), four.real, at, pos.data(), 8);
          const __m128 hi = _mm256_cvtpd_ps(x);
          _mm_mask_storeu_ps(m + d * K, four.real, hi);
          _mm_mask_storeu_ps(m + (3 + d) * K, four.real, _mm256_cvtpd_ps(_mm256_sub_pd(x, _mm256_cvtps_pd(hi))));
        } else {
          const double* cc = coords.data() + static_cast<std::size_t>(c) * S;
          const __m256d x = _mm256_mmask_i32gather_pd(_mm256_loadu_pd(cc + d * K), four.real, at, pos.data(), 8);
          const __m128 hi = _mm256_cvtpd_ps(x);
          _mm_storeu_ps(m + d * K, hi);
          _mm_storeu_ps(m + (3 + d) * K, _mm256_cvtpd_ps(_mm256_sub_pd(x, _mm256_cvtps_pd(hi))));
        }
      } else {
        double* cc = coords.data() + static_cast<std::size_t>(c) * S;
        _mm256_storeu_pd(cc + d * K,
                         _mm256_mmask_i32gather_pd(_mm256_loadu_pd(cc + d * K), four.real, at, pos.data(), 8));
      }
    }
  });
#else
  Kokkos::parallel_for("ClusterPair::refresh", Kokkos::RangePolicy<Host>(0, nslot), [=](const int s) {
    const int row = slot_row(s);
    if (row < 0) return;
    for (int d = 0; d < 3; ++d) coords(ClusterPairList::at(s, d)) = pos(row, d);
  });
#endif
  const int parts = Host().concurrency();
  const auto force = p.force;
  const int n_owned = static_cast<int>(p.size);
  const int rows = static_cast<int>(std::min(p.size + p.ghosts, static_cast<std::size_t>(force.extent(0))));
  const int owned_slots = cl.owned_clusters() * K;
  const auto react = list.reaction();
  // Ghost rows zeroed, then every ghost slot's force (force_of(slot, axis))
  // onto its reaction row, in slot order (rows may take several: a
  // particle's periodic images).
  auto ghosts_to_reaction_rows = [&](auto&& force_of) {
    for (int row = n_owned; row < rows; ++row)
      for (int d = 0; d < 3; ++d) force(row, d) = 0.0;
    for (int s = owned_slots; s < nslot; ++s) {
      const int row = slot_row(s);
      if (row < 0) continue;
      const int r = react(row);
      for (int d = 0; d < 3; ++d) force(r, d) += force_of(s, d);
    }
  };
  const std::string label = std::string(Potential::name) + (WithSums ? "::cluster_force_energy" : "::cluster_force") +
                            (std::is_same_v<Real, float> ? "_mixed" : "");
  if constexpr (Loop::kFloatPairs) {
    // The kernel writes the owned rows' own forces and leaves J's
    // reactions in the lanes; no slot-force buffer (its 24 B per slot
    // would put mixed precision above LAMMPS' memory per atom).
    const Loop loop{coords.data(),
                    mixed.data(),
                    lanes.data(),
                    force.data(),
                    static_cast<int>(force.stride(0)),
                    cl.offsets().data(),
                    cl.j_clusters().data(),
                    slot_row.data(),
                    cl.masks().data(),
                    p.species,
                    nullptr,
                    cl.clusters(),
                    cl.owned_clusters(),
                    parts,
                    table};
    Kokkos::parallel_reduce(label, Kokkos::RangePolicy<Host>(0, parts), loop, sums.energy, sums.virial);
    // A slot's reaction: its lanes' four i blocks, (i0 + i2) + (i1 + i3),
    // in double, summed over the parts in order; owned rows in parallel,
    // then ghost slots onto their reaction rows in slot order. Then the
    // lanes are cleared for the next call.
    float* const ln = lanes.data();
    const std::size_t lstride = static_cast<std::size_t>(cl.clusters()) * R;
    auto reaction_of = [=](int s, int d) {
      double sum = 0.0;
      for (int q = 0; q < parts; ++q) {
        const float* r = ln + q * lstride + static_cast<std::size_t>(s / K) * R + d * L + s % K;
        sum += (static_cast<double>(r[0]) + static_cast<double>(r[2 * K])) +
               (static_cast<double>(r[K]) + static_cast<double>(r[3 * K]));
      }
      return sum;
    };
#ifdef STRATA_SIMD_AVX512
    // Owned clusters four rows at once: the same sums as reaction_of, the
    // rows read and written by masked gathers and scatters.
    const int fstride = static_cast<int>(force.stride(0));
    Kokkos::parallel_for(
        "ClusterPair::owned_reactions", Kokkos::RangePolicy<Host>(0, cl.owned_clusters()), [=](const int c) {
          const FourRows four(slot_row.data(), c, fstride);
          for (int d = 0; d < 3; ++d) {
            __m256d sum = _mm256_setzero_pd();
            for (int q = 0; q < parts; ++q) {
              float* at_q = ln + q * lstride + static_cast<std::size_t>(c) * R + d * L;
              const __m512 v = _mm512_loadu_ps(at_q);
              _mm512_storeu_ps(at_q, _mm512_setzero_ps());  // cleared for the next call
              const __m512d s02_13 = _mm512_add_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(v)),
                                                   _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)));
              sum =
                  _mm256_add_pd(sum, _mm256_add_pd(_mm512_castpd512_pd256(s02_13), _mm512_extractf64x4_pd(s02_13, 1)));
            }
            const __m128i at = four.at(d);
            const __m256d own = _mm256_mmask_i32gather_pd(_mm256_setzero_pd(), four.real, at, force.data(), 8);
            _mm256_mask_i32scatter_pd(force.data(), four.real, at, _mm256_add_pd(own, sum), 8);
          }
        });
#endif
    ghosts_to_reaction_rows(reaction_of);
    // The ghost clusters' lanes (the owned ones were cleared as read).
    const std::size_t owned_lanes = static_cast<std::size_t>(cl.owned_clusters()) * R;
    for (int q = 0; q < parts; ++q)
      std::memset(ln + q * lstride + owned_lanes, 0, (lstride - owned_lanes) * sizeof(float));
    return;
  }
  const auto buffers = cl.force_scratch(parts);
  // The part in use only (the capacity beyond stays untouched).
  Kokkos::deep_copy(
      Kokkos::subview(buffers, std::make_pair(std::size_t{0}, static_cast<std::size_t>(cl.clusters()) * S * parts)),
      0.0);
  const Loop loop{coords.data(),
                  mixed.data(),
                  lanes.data(),
                  nullptr,
                  0,
                  cl.offsets().data(),
                  cl.j_clusters().data(),
                  slot_row.data(),
                  cl.masks().data(),
                  p.species,
                  buffers.data(),
                  cl.clusters(),
                  cl.owned_clusters(),
                  parts,
                  table};
  Kokkos::parallel_reduce(label, Kokkos::RangePolicy<Host>(0, parts), loop, sums.energy, sums.virial);

  // Back to the rows: owned rows from their one slot each (in parallel);
  // then every ghost slot onto its reaction row, in slot order (rows may
  // take several: a particle's periodic images). Buffers in part order.
  const double* buf = buffers.data();
  const std::size_t stride = static_cast<std::size_t>(cl.clusters()) * S;
  auto slot_force = [=](int s, int d) {
    const int at = ClusterPairList::at(s, d);
    double sum = buf[at];
    for (int q = 1; q < parts; ++q) sum += buf[q * stride + at];
    return sum;
  };
#ifdef STRATA_SIMD_AVX512
  // A cluster's four rows at once: masked scatters.
  const int fstride = static_cast<int>(force.stride(0));
  Kokkos::parallel_for("ClusterPair::owned_forces", Kokkos::RangePolicy<Host>(0, cl.owned_clusters()),
                       [=](const int c) {
                         const FourRows four(slot_row.data(), c, fstride);
                         for (int d = 0; d < 3; ++d) {
                           const std::size_t at = static_cast<std::size_t>(c) * S + d * K;
                           __m256d sum = _mm256_loadu_pd(buf + at);
                           for (int q = 1; q < parts; ++q)
                             sum = _mm256_add_pd(sum, _mm256_loadu_pd(buf + q * stride + at));
                           _mm256_mask_i32scatter_pd(force.data(), four.real, four.at(d), sum, 8);
                         }
                       });
#else
  Kokkos::parallel_for("ClusterPair::owned_forces", Kokkos::RangePolicy<Host>(0, owned_slots), [=](const int s) {
    const int row = slot_row(s);
    if (row < 0) return;
    for (int d = 0; d < 3; ++d) force(row, d) = slot_force(s, d);
  });
#endif
  ghosts_to_reaction_rows(slot_force);
}

}  // namespace cluster_kernel
}  // namespace strata
