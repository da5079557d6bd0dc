#pragma once
// The pair kernel over a ClusterPairList (CPUs; included by
// PairPotential.cpp only). Per owned cluster I, for each listed cluster J,
// the kLanes = 4 x 4 pairs are one loop over lanes (lane a * 4 + b: row a
// of I with row b of J) that loads nothing but the two clusters'
// coordinates, contiguous: the compiler turns it into a few SIMD vectors
// (two in double, one in float on AVX-512). A lane computes when the list's
// mask allows it and r^2 is inside the cutoff; the others compute r^2 = 1
// and are zeroed by a select (no division by zero, no NaN). I's forces are
// summed across J in the lanes and added once at the end; J's reactions are
// summed across the four i lanes and added once per cluster pair. Each
// row's force is then summed from its slots in a fixed order, so results
// are repeatable, though rounded differently from the particle list's
// kernel. With AVX-512 or AVX2 and a potential written in + - * / only
// (`arithmetic_only`, kernels/SimdReal.hpp), the lanes are explicit
// vectors and the potential runs on them; otherwise a loop over the lanes.
//
// Threads: the owned clusters are cut into `parts` equal runs (one per
// host thread), each with its own slot-force buffer, summed in part order
// afterwards: no atomics, and the same sums at a given thread count.
//
// The slots' coordinates are refreshed from the rows before the kernel,
// and the slots' forces go back to the rows after it: owned rows get their
// slot's force, and a ghost slot's force goes to its reaction row (the
// source of a periodic image, or the ghost row HaloExchange sends home).
#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>

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

template <class Potential, class Real, bool WithSums, bool SingleSpecies>
struct Loop {
  const double* coord;  // slot coordinates (ClusterPairList::coords)
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
    double* f = force + static_cast<std::size_t>(part) * n_clusters * S;
    const int begin = static_cast<int>(static_cast<long long>(n_i) * part / parts);
    const int end = static_cast<int>(static_cast<long long>(n_i) * (part + 1) / parts);
#ifdef STRATA_SIMD
    if constexpr (SingleSpecies && simd::ArithmeticOnly<Potential>::value) {
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
        const Real f_r = Potential::force_divr(SingleSpecies ? c0 : t.coeff[ti[a]][tj[b]],
                                               static_cast<Real>(in ? rsq : 1.0), e);
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
  // The AVX-512 form: two vectors of 8 doubles per cluster pair (vector h
  // holds rows 2h and 2h + 1 of I against the 4 rows of J), the potential
  // on them, or in mixed precision on one vector of 16 floats made from
  // r^2. (Differences of coordinates taken in float instead, from offsets
  // to I's first row, were 5% faster and ten times less accurate: an
  // offset of a few sigma rounds to 5e-7.)
  void vectors(const int I, double* f, double& energy, double& virial) const {
    using simd::Doubles;
    using simd::Floats;
    auto rows_of = [](const double* v, int a) {  // row a in lanes 0-3, row a + 1 in lanes 4-7
      return _mm512_mask_blend_pd(0xF0, _mm512_set1_pd(v[a]), _mm512_set1_pd(v[a + 1]));
    };
    const double *xI = coord + I * S, *yI = xI + K, *zI = xI + 2 * K;
    const __m512d xi[2] = {rows_of(xI, 0), rows_of(xI, 2)};
    const __m512d yi[2] = {rows_of(yI, 0), rows_of(yI, 2)};
    const __m512d zi[2] = {rows_of(zI, 0), rows_of(zI, 2)};
    const typename Potential::Params c = t.coeff[0][0];
    const __m512d cutsq = _mm512_set1_pd(t.cutsq[0][0]), shift = _mm512_set1_pd(t.shift[0][0]);
    const __m512d one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
    __m512d fix[2] = {zero, zero}, fiy[2] = {zero, zero}, fiz[2] = {zero, zero};
    __m512d el[2] = {zero, zero}, vl[2] = {zero, zero};
    for (int k = offset[I]; k < offset[I + 1]; ++k) {
      const int J = jcl[k];
      const unsigned m = mask[k];
      const double* cJ = coord + J * S;
      const __m512d xj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ));
      const __m512d yj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + K));
      const __m512d zj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + 2 * K));
      __m512d dx[2], dy[2], dz[2], rsq[2], rs[2], fr[2], e[2];
      __mmask8 in[2];
      for (int h = 0; h < 2; ++h) {
        dx[h] = _mm512_sub_pd(xi[h], xj);
        dy[h] = _mm512_sub_pd(yi[h], yj);
        dz[h] = _mm512_sub_pd(zi[h], zj);
        rsq[h] = _mm512_fmadd_pd(dz[h], dz[h], _mm512_fmadd_pd(dy[h], dy[h], _mm512_mul_pd(dx[h], dx[h])));
        in[h] = _mm512_mask_cmp_pd_mask(static_cast<__mmask8>(m >> (8 * h)), rsq[h], cutsq, _CMP_LT_OQ);
        rs[h] = _mm512_mask_blend_pd(in[h], one, rsq[h]);
      }
      if constexpr (std::is_same_v<Real, float>) {
        const __m512 r16 =
            _mm512_insertf32x8(_mm512_insertf32x8(_mm512_setzero_ps(), _mm512_cvtpd_ps(rs[0]), 0), _mm512_cvtpd_ps(rs[1]), 1);
        Floats e16 = 0.0f;
        const Floats f16 = Potential::force_divr(c, Floats(r16), e16);
        fr[0] = _mm512_cvtps_pd(_mm512_castps512_ps256(f16.v));
        fr[1] = _mm512_cvtps_pd(_mm512_extractf32x8_ps(f16.v, 1));
        if (WithSums) {
          e[0] = _mm512_cvtps_pd(_mm512_castps512_ps256(e16.v));
          e[1] = _mm512_cvtps_pd(_mm512_extractf32x8_ps(e16.v, 1));
        }
      } else {
        for (int h = 0; h < 2; ++h) {
          Doubles eh = 0.0;
          fr[h] = Potential::force_divr(c, Doubles(rs[h]), eh).v;
          e[h] = eh.v;
        }
      }
      __m512d cfx[2], cfy[2], cfz[2];
      for (int h = 0; h < 2; ++h) {
        const __m512d fpair = _mm512_maskz_mov_pd(in[h], fr[h]);
        cfx[h] = _mm512_mul_pd(dx[h], fpair);
        cfy[h] = _mm512_mul_pd(dy[h], fpair);
        cfz[h] = _mm512_mul_pd(dz[h], fpair);
        fix[h] = _mm512_add_pd(fix[h], cfx[h]);
        fiy[h] = _mm512_add_pd(fiy[h], cfy[h]);
        fiz[h] = _mm512_add_pd(fiz[h], cfz[h]);
        if (WithSums) {
          el[h] = _mm512_add_pd(el[h], _mm512_maskz_mov_pd(in[h], _mm512_sub_pd(e[h], shift)));
          vl[h] = _mm512_add_pd(vl[h], _mm512_mul_pd(rsq[h], fpair));
        }
      }
      // J's reactions: row b's four i lanes, (i0 + i2) + (i1 + i3), as
      // the lane loop adds them.
      auto react = [&](double* fj, const __m512d* c2) {
        const __m512d s = _mm512_add_pd(c2[0], c2[1]);
        const __m256d sum = _mm256_add_pd(_mm512_castpd512_pd256(s), _mm512_extractf64x4_pd(s, 1));
        _mm256_storeu_pd(fj, _mm256_sub_pd(_mm256_loadu_pd(fj), sum));
      };
      react(f + J * S, cfx);
      react(f + J * S + K, cfy);
      react(f + J * S + 2 * K, cfz);
    }
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
  Kokkos::parallel_for(
      "ClusterPair::refresh", Kokkos::RangePolicy<Host>(0, nslot), [=](const int s) {
        const int row = slot_row(s);
        if (row < 0) return;
        for (int d = 0; d < 3; ++d) coords(ClusterPairList::at(s, d)) = pos(row, d);
      });
  const int parts = Host().concurrency();
  const auto buffers = cl.force_scratch(parts);
  Kokkos::deep_copy(buffers, 0.0);
  const Loop<Potential, Real, WithSums, SingleSpecies> loop{coords.data(),
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
  const std::string label = std::string(Potential::name) + (WithSums ? "::cluster_force_energy" : "::cluster_force") +
                            (std::is_same_v<Real, float> ? "_mixed" : "");
  Kokkos::parallel_reduce(label, Kokkos::RangePolicy<Host>(0, parts), loop, sums.energy, sums.virial);

  // Back to the rows: owned rows from their one slot each (in parallel);
  // then every ghost slot onto its reaction row, in slot order (rows may
  // take several: a particle's periodic images). Buffers in part order.
  const auto force = p.force;
  const int n_owned = static_cast<int>(p.size);
  const int rows = static_cast<int>(std::min(p.size + p.ghosts, static_cast<std::size_t>(force.extent(0))));
  const int owned_slots = cl.owned_clusters() * K;
  const double* buf = buffers.data();
  const std::size_t stride = static_cast<std::size_t>(cl.clusters()) * S;
  auto slot_force = [=](int s, int d) {
    const int at = ClusterPairList::at(s, d);
    double sum = buf[at];
    for (int q = 1; q < parts; ++q) sum += buf[q * stride + at];
    return sum;
  };
  Kokkos::parallel_for(
      "ClusterPair::owned_forces", Kokkos::RangePolicy<Host>(0, owned_slots), [=](const int s) {
        const int row = slot_row(s);
        if (row < 0) return;
        for (int d = 0; d < 3; ++d) force(row, d) = slot_force(s, d);
      });
  for (int row = n_owned; row < rows; ++row)
    for (int d = 0; d < 3; ++d) force(row, d) = 0.0;
  const auto react = list.reaction();
  for (int s = owned_slots; s < nslot; ++s) {
    const int row = slot_row(s);
    if (row < 0) continue;
    const int r = react(row);
    for (int d = 0; d < 3; ++d) force(r, d) += slot_force(s, d);
  }
}

}  // namespace cluster_kernel
}  // namespace strata
