#include "kernels/ClusterPairList.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "kernels/Capacity.hpp"
#include "kernels/NeighborList.hpp"
#include "kernels/SimdReal.hpp"

namespace strata {

namespace {

using Host = Kokkos::DefaultHostExecutionSpace;
constexpr int K = ClusterPairList::kCluster;

struct Bounds {
  double lo[3], hi[3];
};

// The columns of one kind of row (owned or ghost): rows sorted by column,
// then z, then row; clusters cut from each column's run.
struct Columns {
  std::vector<int> order;      // rows, by column then z
  std::vector<int> row_first;  // per column: first index into order (ncol + 1)
  std::vector<int> first;      // per column: first cluster (ncol + 1), relative to the kind's first
};

}  // namespace

void ClusterPairList::build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range,
                            const Ints& reaction) {
  // Column cross-section: about K particles' volume at the mean density of
  // the rows binned (owned and ghosts alike fill the box about evenly).
  double volume = 1.0;
  for (int d = 0; d < 3; ++d) volume *= box.hi[d] - box.lo[d];
  const double side = std::cbrt(K * volume / std::max(1, n_total));
  int ncx = std::max(1, static_cast<int>((box.hi[0] - box.lo[0]) / side));
  int ncy = std::max(1, static_cast<int>((box.hi[1] - box.lo[1]) / side));
  const double wx = (box.hi[0] - box.lo[0]) / ncx, wy = (box.hi[1] - box.lo[1]) / ncy;
  const int ncol = ncx * ncy;
  const double gap = 2.0 * std::max(wx, wy);  // a cluster ends at a larger gap in z
  const double lo0 = box.lo[0], lo1 = box.lo[1];
  auto column_of = [&](int row) {
    int a = static_cast<int>((position(row, 0) - lo0) / wx);
    int b = static_cast<int>((position(row, 1) - lo1) / wy);
    a = a < 0 ? 0 : (a >= ncx ? ncx - 1 : a);
    b = b < 0 ? 0 : (b >= ncy ? ncy - 1 : b);
    return b * ncx + a;
  };

  // Owned rows [0, n_owned) and ghost rows [n_owned, n_total): columns,
  // sorted, cut into clusters.
  Columns kinds[2];
  std::vector<int> row_col(static_cast<std::size_t>(n_total));
  for (int i = 0; i < n_total; ++i) row_col[i] = column_of(i);
  for (int kind = 0; kind < 2; ++kind) {
    Columns& c = kinds[kind];
    const int begin = kind ? n_owned : 0, end = kind ? n_total : n_owned;
    c.row_first.assign(static_cast<std::size_t>(ncol) + 1, 0);
    for (int i = begin; i < end; ++i) ++c.row_first[row_col[i] + 1];
    for (int k = 0; k < ncol; ++k) c.row_first[k + 1] += c.row_first[k];
    c.order.resize(static_cast<std::size_t>(end - begin));
    std::vector<int> fill(c.row_first.begin(), c.row_first.end() - 1);
    for (int i = begin; i < end; ++i) c.order[fill[row_col[i]]++] = i;
    // Sorted as (z, row) pairs side by side: an indirect comparison
    // through the positions cost twice as much.
    std::vector<std::pair<double, int>> by_z(c.order.size());
    for (std::size_t t = 0; t < c.order.size(); ++t) by_z[t] = {position(c.order[t], 2), c.order[t]};
    Kokkos::parallel_for("ClusterPairList::sort_columns", Kokkos::RangePolicy<Host>(0, ncol), [&](const int k) {
      std::sort(by_z.begin() + c.row_first[k], by_z.begin() + c.row_first[k + 1]);
    });
    for (std::size_t t = 0; t < c.order.size(); ++t) c.order[t] = by_z[t].second;
    // Clusters per column: K rows, or fewer where the next row lies more
    // than `gap` above the cluster's first.
    c.first.assign(static_cast<std::size_t>(ncol) + 1, 0);
    for (int k = 0; k < ncol; ++k) {
      int count = 0;
      for (int t = c.row_first[k], in = 0; t < c.row_first[k + 1]; ++t) {
        if (in == K || (in > 0 && position(c.order[t], 2) - position(c.order[t - in], 2) > gap)) in = 0;
        if (in == 0) ++count;
        ++in;
      }
      c.first[k + 1] = c.first[k] + count;
    }
  }
  n_owned_clusters_ = kinds[0].first[ncol];
  n_clusters_ = n_owned_clusters_ + kinds[1].first[ncol];
  const int nslot = n_clusters_ * K;
  grow_discarding(slot_row_, static_cast<std::size_t>(nslot), "cluster_slot_row");
#ifndef STRATA_SIMD_AVX512
  float_coordinates_ = false;  // the float kernel and search are AVX-512's
#endif
  const bool floats = float_coordinates_;
  if (floats) {
    coords_ = Slots();
    mixed_coords();  // grown for n_clusters_
  } else {
    grow_discarding(coords_, static_cast<std::size_t>(n_clusters_) * kStride, "cluster_coords");
  }
  float* const mc = floats ? mixed_.data() : nullptr;
  // Slot s's coordinate d: a double, or its hi/lo floats.
  auto put = [&](int slot, int d, double x) {
    if (floats) {
      float* m = mc + static_cast<std::size_t>(slot / K) * kMixedStride + slot % K;
      const float hi = static_cast<float>(x);
      m[d * K] = hi;
      m[(3 + d) * K] = static_cast<float>(x - static_cast<double>(hi));
    } else {
      coords_(at(slot, d)) = x;
    }
  };
  std::vector<Bounds> bounds(static_cast<std::size_t>(n_clusters_));
  const auto slot_row = slot_row_;
  const auto coords = coords_;
  for (int kind = 0; kind < 2; ++kind) {
    const Columns& c = kinds[kind];
    const int base = kind ? n_owned_clusters_ : 0;
    for (int k = 0; k < ncol; ++k) {
      int cl = base + c.first[k] - 1;
      for (int t = c.row_first[k], in = 0; t < c.row_first[k + 1]; ++t) {
        if (in == K || (in > 0 && position(c.order[t], 2) - position(c.order[t - in], 2) > gap)) in = 0;
        if (in == 0) {
          ++cl;
          for (int s = 0; s < K; ++s) {
            // Padding: far outside the box (the mask keeps it out of every pair).
            slot_row(cl * K + s) = -1;
            for (int d = 0; d < 3; ++d) put(cl * K + s, d, box.lo[d] - 1000.0);
          }
        }
        const int row = c.order[t];
        const int s = cl * K + in;
        slot_row(s) = row;
        for (int d = 0; d < 3; ++d) put(s, d, position(row, d));
        Bounds& b = bounds[cl];
        for (int d = 0; d < 3; ++d) {
          const double v = position(row, d);
          b.lo[d] = in == 0 ? v : std::min(b.lo[d], v);
          b.hi[d] = in == 0 ? v : std::max(b.hi[d], v);
        }
        ++in;
      }
    }
  }

  // The half rule as one comparison per lane pair (NeighborList's
  // contract): a slot of I listing a slot of ghost cluster J when J's key
  // is greater than I's. Owned slots' keys are their rows; a ghost's is its
  // reaction row, or the largest int when it has none (listed from every
  // row); padding's is -1 in J and the largest int in I (never listed).
  std::vector<int> key_i(static_cast<std::size_t>(n_owned_clusters_) * K), key_j(static_cast<std::size_t>(nslot));
  std::vector<unsigned> occupied(static_cast<std::size_t>(n_clusters_));  // 4 bits: slots with a row
  constexpr int kNone = 2147483647;
  for (int c = 0; c < n_clusters_; ++c) {
    unsigned bits = 0;
    for (int q = 0; q < K; ++q) {
      const int sl = c * K + q, row = slot_row(sl);
      bits |= (row >= 0 ? 1u : 0u) << q;
      if (c < n_owned_clusters_) key_i[sl] = row >= 0 ? row : kNone;
      key_j[sl] = row < 0 ? -1 : (c < n_owned_clusters_ ? row : (reaction(row) < 0 ? kNone : reaction(row)));
    }
    occupied[c] = bits;
  }

  // Each column's extent in x and y (of its clusters' boxes; rows outside
  // the binning box sit in its edge columns), per kind.
  std::vector<Bounds> col_box(2 * static_cast<std::size_t>(ncol));
  for (int kind = 0; kind < 2; ++kind)
    for (int k = 0; k < ncol; ++k) {
      Bounds& cb = col_box[kind * ncol + k];
      cb.lo[0] = cb.lo[1] = 1e300;
      cb.hi[0] = cb.hi[1] = -1e300;
      const int base = kind ? n_owned_clusters_ : 0;
      for (int J = base + kinds[kind].first[k]; J < base + kinds[kind].first[k + 1]; ++J)
        for (int d = 0; d < 2; ++d) {
          cb.lo[d] = std::min(cb.lo[d], bounds[J].lo[d]);
          cb.hi[d] = std::max(cb.hi[d], bounds[J].hi[d]);
        }
    }

  // Cluster pairs: for owned cluster I, the columns whose extent in x and
  // y comes within range of I's column, and in each the clusters whose z
  // span comes within range of I's (a column's clusters are in z order),
  // then their pairs. (Narrowing the z span by the distance in x and y
  // per I and column cut the candidates from 149 to 93 per I, and made
  // the build slower: a square root and a branch per column and I.)
  const double range_sq = range * range;
  const Bounds* cbox = col_box.data();
  const int n_i = n_owned_clusters_;
  const Bounds* bnd = bounds.data();
  const Columns* kind_cols = kinds;
  const int owned_clusters = n_owned_clusters_;
  const int* ki = key_i.data();
  const int* kj = key_j.data();
  const unsigned* occ = occupied.data();
  const double* pc = coords.data();
#ifdef STRATA_SIMD_AVX512
  // The float search's range: its r^2 is within about 5e-7 (relative) of
  // the exact one, so 2e-6 more never drops a pair within range.
  const float range_sq_floats = static_cast<float>(range_sq * (1.0 + 2e-6));
#endif
  // Sweep: the clusters I of one owned column are visited in z order. The
  // columns within range of that column (in x and y) are listed once, and
  // each keeps the first of its clusters whose top reaches the last I's
  // bottom less the range, moved up from there as I rises: no search per
  // column and I (a bisection's branches were most of the build's time).
  struct Sweep {
    std::vector<int> kind, col, first;
  };
  auto near_columns = [=](const int col, Sweep& sweep) {
    const Bounds& ob = cbox[col];  // owned kind
    const int a0 = std::max(0, static_cast<int>(std::floor((ob.lo[0] - range - lo0) / wx)));
    const int a1 = std::min(ncx - 1, static_cast<int>(std::floor((ob.hi[0] + range - lo0) / wx)));
    const int b0 = std::max(0, static_cast<int>(std::floor((ob.lo[1] - range - lo1) / wy)));
    const int b1 = std::min(ncy - 1, static_cast<int>(std::floor((ob.hi[1] + range - lo1) / wy)));
    sweep.kind.clear();
    sweep.col.clear();
    sweep.first.clear();
    for (int kind = 0; kind < 2; ++kind) {
      const int base = kind ? owned_clusters : 0;
      for (int b = b0; b <= b1; ++b)
        for (int a = a0; a <= a1; ++a) {
          const int other = b * ncx + a;
          const int begin = base + kind_cols[kind].first[other], end = base + kind_cols[kind].first[other + 1];
          if (begin == end || (kind == 0 && other < col)) continue;  // owned: J >= I
          const Bounds& cb = cbox[kind * ncol + other];
          const double gx = std::max({0.0, cb.lo[0] - ob.hi[0], ob.lo[0] - cb.hi[0]});
          const double gy = std::max({0.0, cb.lo[1] - ob.hi[1], ob.lo[1] - cb.hi[1]});
          if (gx * gx + gy * gy >= range_sq) continue;
          sweep.kind.push_back(kind);
          sweep.col.push_back(other);
          sweep.first.push_back(begin);
        }
    }
  };
  auto visit = [=](const int I, Sweep& sweep, auto&& emit) {
    const Bounds& bi = bnd[I];
    int keyi[kLanes];
    for (int l = 0; l < kLanes; ++l) keyi[l] = ki[I * K + l / K];
#if defined(STRATA_SIMD_AVX2)
    const double* cI = pc + I * kStride;
    const __m256d vrange = _mm256_set1_pd(range_sq);
#elif !defined(STRATA_SIMD_AVX512)
    double xi[kLanes], yi[kLanes], zi[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      xi[l] = pc[I * kStride + l / K];
      yi[l] = pc[I * kStride + K + l / K];
      zi[l] = pc[I * kStride + 2 * K + l / K];
    }
#endif
#ifdef STRATA_SIMD_AVX512
    auto rows_of = [](const double* v, int a) {  // row a in lanes 0-3, row a + 1 in lanes 4-7
      return _mm512_mask_blend_pd(0xF0, _mm512_set1_pd(v[a]), _mm512_set1_pd(v[a + 1]));
    };
    const __m512i vkey = _mm512_loadu_si512(keyi);
    const __m512d vrange = _mm512_set1_pd(range_sq);
    __m512d vx[2], vy[2], vz[2];
    // Floats: lane a * 4 + b, I's hi and lo as the kernel has them.
    const __m512i spread = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    auto spread_rows = [&](const float* v) {
      return _mm512_permutexvar_ps(spread, _mm512_castps128_ps512(_mm_loadu_ps(v)));
    };
    auto cluster = [](const float* v) { return _mm512_broadcast_f32x4(_mm_loadu_ps(v)); };
    __m512 fi[6];
    const __m512 frange = _mm512_set1_ps(range_sq_floats);
    if (floats) {
      const float* cI = mc + static_cast<std::size_t>(I) * kMixedStride;
      for (int q = 0; q < 6; ++q) fi[q] = spread_rows(cI + q * K);
    } else {
      const double* cI = pc + I * kStride;
      for (int h = 0; h < 2; ++h) {
        vx[h] = rows_of(cI, 2 * h);
        vy[h] = rows_of(cI + K, 2 * h);
        vz[h] = rows_of(cI + 2 * K, 2 * h);
      }
    }
#endif
    // Owned J after I: every pair of occupied slots; J = I: b after a.
    unsigned all = 0, self = 0;
    for (int p = 0; p < K; ++p)
      if (occ[I] & (1u << p)) all |= 0xFu << (p * K);
    for (int p = 0; p < K; ++p)
      for (int q = p + 1; q < K; ++q) self |= 1u << (p * K + q);
    for (std::size_t e = 0; e < sweep.col.size(); ++e) {
      const int kind = sweep.kind[e], col = sweep.col[e];
      const int base = kind ? owned_clusters : 0;
      const int end = base + kind_cols[kind].first[col + 1];
      int& first = sweep.first[e];
      while (first < end && bnd[first].hi[2] < bi.lo[2] - range) ++first;
      const double ztop = bi.hi[2] + range;
      for (int J = kind == 0 ? std::max(first, I) : first; J < end; ++J) {  // owned: J >= I
        const Bounds& bj = bnd[J];
        if (bj.lo[2] > ztop) break;
        unsigned mask = 0, near = 0;
        const int jb = J * K;
        if (kind == 0) {
          unsigned occ_j = 0;
          for (int p = 0; p < K; ++p) occ_j |= occ[J] << (p * K);
          mask = all & occ_j & (J == I ? self : 0xFFFFu);
        }
#ifdef STRATA_SIMD_AVX512
        // Lanes as in the kernel: vector h holds I's rows 2h and 2h + 1
        // against J's four.
        if (kind != 0)
          mask = _mm512_cmpgt_epi32_mask(
              _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kj + jb))), vkey);
        if (floats) {
          const float* cJ = mc + static_cast<std::size_t>(J) * kMixedStride;
          __m512 rsq = _mm512_setzero_ps();
          for (int d = 0; d < 3; ++d) {
            const __m512 dd = _mm512_add_ps(_mm512_sub_ps(fi[d], cluster(cJ + d * K)),
                                            _mm512_sub_ps(fi[3 + d], cluster(cJ + (3 + d) * K)));
            rsq = _mm512_fmadd_ps(dd, dd, rsq);
          }
          near = _mm512_cmp_ps_mask(rsq, frange, _CMP_LT_OQ);
        } else {
          const double* cJ = pc + J * kStride;
          const __m512d xj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ));
          const __m512d yj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + K));
          const __m512d zj = _mm512_broadcast_f64x4(_mm256_loadu_pd(cJ + 2 * K));
          for (int h = 0; h < 2; ++h) {
            const __m512d dx = _mm512_sub_pd(vx[h], xj), dy = _mm512_sub_pd(vy[h], yj), dz = _mm512_sub_pd(vz[h], zj);
            const __m512d rsq =
                _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy)), _mm512_mul_pd(dz, dz));
            near |= static_cast<unsigned>(_mm512_cmp_pd_mask(rsq, vrange, _CMP_LT_OQ)) << (8 * h);
          }
        }
#elif defined(STRATA_SIMD_AVX2)
        // Vector a holds I's row a against J's four.
        const double* cJ = pc + J * kStride;
        const __m256d xj = _mm256_loadu_pd(cJ), yj = _mm256_loadu_pd(cJ + K), zj = _mm256_loadu_pd(cJ + 2 * K);
        const __m128i kjv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kj + jb));
        for (int a = 0; a < K; ++a) {
          if (kind != 0)
            mask |= static_cast<unsigned>(
                        _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(kjv, _mm_set1_epi32(keyi[a * K])))))
                    << (K * a);
          const __m256d dx = _mm256_sub_pd(_mm256_set1_pd(cI[a]), xj);
          const __m256d dy = _mm256_sub_pd(_mm256_set1_pd(cI[K + a]), yj);
          const __m256d dz = _mm256_sub_pd(_mm256_set1_pd(cI[2 * K + a]), zj);
          const __m256d rsq =
              _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)), _mm256_mul_pd(dz, dz));
          near |= static_cast<unsigned>(_mm256_movemask_pd(_mm256_cmp_pd(rsq, vrange, _CMP_LT_OQ))) << (K * a);
        }
#else
        if (kind != 0)
          for (int l = 0; l < kLanes; ++l) mask |= (kj[jb + l % K] > keyi[l] ? 1u : 0u) << l;
        for (int l = 0; l < kLanes; ++l) {
          const double* cJ = pc + J * kStride;
          const double dx = xi[l] - cJ[l % K], dy = yi[l] - cJ[K + l % K], dz = zi[l] - cJ[2 * K + l % K];
          near |= (dx * dx + dy * dy + dz * dz < range_sq ? 1u : 0u) << l;
        }
#endif
        near &= mask;
        emit(J, mask, near);  // listed when near != 0 (the caller decides without a branch)
      }
    }
  };

  grow_discarding(offset_, static_cast<std::size_t>(n_i) + 1, "cluster_offsets");
  // Pairs within range and lane pairs listed, for the summary and tests.
  Kokkos::View<long long[2], Kokkos::HostSpace> counts("cluster_counts");
  for (;;) {
    const auto offset = offset_;
    const auto jc = j_cluster_;
    const auto mk = mask_;
    const long long capacity = static_cast<long long>(j_cluster_.extent(0));
    long long total = 0;
    counts(0) = counts(1) = 0;
    // One owned column per call, its clusters in z order (the sweep's).
    const int* col_first = kinds[0].first.data();
    Kokkos::parallel_scan(
        "ClusterPairList::fill", Kokkos::RangePolicy<Host>(0, ncol + 1),
        [=](const int col, long long& sum, const bool final) {
          if (col == ncol) {
            if (final) offset(n_i) = static_cast<int>(sum);
            return;
          }
          const int I0 = col_first[col], I1 = col_first[col + 1];
          if (I0 == I1) return;
          Sweep sweep;
          near_columns(col, sweep);
          long long k = sum, within = 0, lanes = 0;
          // Candidates go to a small buffer, kept (n advanced) only when
          // some pair is near: about a third are not, in no order a branch
          // predictor could learn. Full buffers go to I's part of the list.
          constexpr int kBuffer = 32;
          int buf_j[kBuffer];
          unsigned buf_m[kBuffer];
          int n = 0;
          auto flush = [&]() {
            if (final)
              for (int q = 0; q < n; ++q)
                if (k + q < capacity) {
                  jc(k + q) = buf_j[q];
                  mk(k + q) = static_cast<std::uint16_t>(buf_m[q]);
                }
            k += n;
            n = 0;
          };
          for (int I = I0; I < I1; ++I) {
            if (final) offset(I) = static_cast<int>(k);
            visit(I, sweep, [&](int J, unsigned mask, unsigned near) {
              const int keep = near != 0;
              buf_j[n] = J;
              buf_m[n] = mask;
              n += keep;
              within += __builtin_popcount(near);
              lanes += keep * __builtin_popcount(mask);
              if (n == kBuffer) flush();
            });
            flush();
          }
          if (final) {
            Kokkos::atomic_add(&counts(0), within);
            Kokkos::atomic_add(&counts(1), lanes);
          }
          sum = k;
        },
        total);
    if (total <= capacity) {
      pairs_ = counts(0);
      lane_pairs_ = counts(1);
      break;
    }
    j_cluster_ = Ints();
    mask_ = Masks();
    const std::size_t n = static_cast<std::size_t>(total + total / 32 + 16);
    j_cluster_ = Ints(Kokkos::view_alloc(std::string("cluster_j"), Kokkos::WithoutInitializing), n);
    mask_ = Masks(Kokkos::view_alloc(std::string("cluster_mask"), Kokkos::WithoutInitializing), n);
  }
}

}  // namespace strata
