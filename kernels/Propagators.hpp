#pragma once
// Propagators for non-interacting particles. Each advances rows [0, n) of
// Particles by one step, applies the box boundaries, and counts the particles
// that now lie outside the rank's brick [lo, hi) (they are handed to
// Migration next). Reads and writes only the particle's
// own row: no ghosts, no atomics needed.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kernels/Boundary.hpp"
#include "kernels/Math.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Random.hpp"

namespace strata {

// Everything a propagator needs to know about the box and the rank's brick
// (decomposition/GridLayout.hpp).
struct BoxGeometry {
  double L[3];
  bool periodic[3];
  double lo[3];  // -inf for the first brick along an axis: nothing can leave through the box wall
  double hi[3];  // +inf for the last brick
  // Whether x lies outside the brick, so the particle must migrate.
  KOKKOS_INLINE_FUNCTION bool outside(const double x0, const double x1, const double x2) const {
    return x0 < lo[0] || x0 >= hi[0] || x1 < lo[1] || x1 >= hi[1] || x2 < lo[2] || x2 >= hi[2];
  }
  // The same as 0 or 1, with no branch (for vectorized loops).
  KOKKOS_INLINE_FUNCTION int outside_flag(const double x0, const double x1, const double x2) const {
    return (x0 < lo[0]) | (x0 >= hi[0]) | (x1 < lo[1]) | (x1 >= hi[1]) | (x2 < lo[2]) | (x2 >= hi[2]);
  }
};

KOKKOS_INLINE_FUNCTION void apply_boundaries(const BoxGeometry& g, double x[3], double v[3], int img[3]) {
  for (int d = 0; d < 3; ++d) {
    if (g.periodic[d])
      wrap_periodic(x[d], img[d], g.L[d]);
    else
      reflect(x[d], v[d], g.L[d]);
  }
}

// Ballistic: x += v dt, velocities constant except for wall reflections.
struct BallisticStep {
  Vec3View position, velocity;
  IntVec3View image;
  BoxGeometry geom;
  double dt;

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, std::size_t& leavers) const {
    double x[3], v[3];
    int img[3];
    for (int d = 0; d < 3; ++d) {
      v[d] = velocity(i, d);
      x[d] = position(i, d) + v[d] * dt;
      img[d] = image(i, d);
    }
    apply_boundaries(geom, x, v, img);
    for (int d = 0; d < 3; ++d) {
      position(i, d) = x[d];
      velocity(i, d) = v[d];
      image(i, d) = img[d];
    }
    if (geom.outside(x[0], x[1], x[2])) ++leavers;
  }
};

// Overdamped Brownian motion: x += sqrt(2 D dt) xi, xi of zero mean and unit
// variance per axis (Gaussian, or uniform when `Gaussian` is false), drawn
// from (seed, id, step, Brownian). Velocities are not part of overdamped
// dynamics and are left as they are (except wall reflections).
//
// The step is one pass over memory, so bytes are its cost: without walls
// (`Walls` false: every axis periodic) it never touches the velocities and
// writes an image count only when the particle crossed the box edge, so a
// particle-step moves 68 bytes (reads: position 24, image 12, id 8; writes:
// position 24) instead of 128.
template <bool Gaussian, bool Walls = true>
struct BrownianStep {
  Vec3View position, velocity;
  IntVec3View image;
  IdView id;
  BoxGeometry geom;
  double amplitude;  // sqrt(2 D dt)
  std::uint64_t seed;
  std::uint64_t step;  // the step being computed (the new state's step)

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t i, std::size_t& leavers) const {
    double xi[3];
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id(i)), step, RngStream::Brownian);
    if (Gaussian)
      normal3(w, xi[0], xi[1], xi[2]);
    else
      uniform3_unit_variance(w, xi[0], xi[1], xi[2]);
    double x[3];
    int img[3];
    for (int d = 0; d < 3; ++d) {
      x[d] = position(i, d) + amplitude * xi[d];
      img[d] = image(i, d);
    }
    if (Walls) {
      double v[3];
      for (int d = 0; d < 3; ++d) v[d] = velocity(i, d);
      apply_boundaries(geom, x, v, img);
      for (int d = 0; d < 3; ++d) {
        velocity(i, d) = v[d];
        image(i, d) = img[d];
      }
    } else {
      for (int d = 0; d < 3; ++d) {
        const int before = img[d];
        wrap_periodic(x[d], img[d], geom.L[d]);
        if (img[d] != before) image(i, d) = img[d];
      }
    }
    for (int d = 0; d < 3; ++d) position(i, d) = x[d];
    if (geom.outside(x[0], x[1], x[2])) ++leavers;
  }
};

// BrownianStep<false, false> (uniform noise, every axis periodic) for CPUs,
// in blocks of rows: the block's random words first (random_words_block,
// eight Philox counters at a time with AVX-512, four with AVX2), then a
// loop over the block with no branch (AVX-512 intrinsics, or written so
// the compiler vectorizes it). The
// particle's move is bounded (|xi| <= sqrt(3), so at most sqrt(3)
// amplitude per axis), and the caller uses this kernel only when that is
// less than every box edge: a wrapped coordinate then crosses at most one
// edge, and the wrap is one add of -L, 0 or +L, bitwise what wrap_periodic
// does. The image counts of the rows that crossed an edge are updated
// after the vector loop, so a step moves 56 bytes per particle (reads:
// position 24, id 8; writes: position 24) plus 24 per crossing, against 68
// for the one-particle kernel (which also reads every image count), at
// several times its speed (it is bound by the Philox arithmetic, not by
// memory). Bitwise the same positions, images and leaver count as
// BrownianStep<false, false>.
struct BrownianUniformPeriodicBlocks {
  static constexpr std::size_t kBlock = 512;
  Vec3View position;
  IntVec3View image;
  IdView id;
  Kokkos::View<int*, MemSpace> block_leavers;  // per block: rows now outside the brick
  BoxGeometry geom;
  double amplitude;
  std::uint64_t seed;
  std::uint64_t step;
  std::size_t n;

  // Whether the kernel applies: a move never spans a box edge.
  static bool applies(const BoxGeometry& g, double amplitude) {
    constexpr double sqrt3 = 1.7320508075688772935274463415059;
    return sqrt3 * amplitude < g.L[0] && sqrt3 * amplitude < g.L[1] && sqrt3 * amplitude < g.L[2];
  }
  static std::size_t blocks(std::size_t rows) { return (rows + kBlock - 1) / kBlock; }

  KOKKOS_INLINE_FUNCTION void operator()(const std::size_t b, std::size_t& leavers) const {
    const std::size_t i0 = b * kBlock, i1 = i0 + kBlock < n ? i0 + kBlock : n;
    std::size_t out = 0;
    // The block's random words first (their own loop: see random_words_block).
    std::uint32_t w0[kBlock], w1[kBlock], w2[kBlock];
    // The block's position rows are prefetched while the rounds run: they
    // use no memory, and without this the memory sat idle during them and
    // the update loop then waited for its rows (1e7 particles, beyond the
    // cache: 12% faster).
    random_words_block(seed, &id(i0), i1 - i0, step, RngStream::Brownian, w0, w1, w2, &position(i0, 0));
    // Each axis' wrap (-1, 0, +1) goes to a small array, and only the rows
    // that crossed an edge (about one in a thousand per step in the
    // benchmark's box) have their image counts updated afterwards: the
    // image counts are neither read nor written by the vector loop.
    std::int8_t crossed[3][kBlock];
    std::size_t done = 0;  // rows of the block already moved
#ifdef STRATA_PHILOX_AVX512
    done = update_rows_avx512(i0, i1 - i0, w0, w1, w2, out);
#endif
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC ivdep
#endif
    for (std::size_t i = i0 + done; i < i1; ++i) {
      double xi[3];
      const std::size_t k = i - i0;
      uniform3_unit_variance(Philox4x32{{w0[k], w1[k], w2[k], 0u}}, xi[0], xi[1], xi[2]);
      double x[3];
      for (int d = 0; d < 3; ++d) {
        x[d] = position(i, d) + amplitude * xi[d];
        const int up = x[d] >= geom.L[d], down = x[d] < 0.0;
        x[d] += geom.L[d] * static_cast<double>(down - up);
        crossed[d][k] = static_cast<std::int8_t>(up - down);
        position(i, d) = x[d];
      }
      out += static_cast<std::size_t>(geom.outside_flag(x[0], x[1], x[2]));
    }
    for (std::size_t k = done; k < i1 - i0; ++k)
      if ((crossed[0][k] | crossed[1][k] | crossed[2][k]) != 0)
        for (int d = 0; d < 3; ++d) image(i0 + k, d) += crossed[d][k];
    block_leavers(b) = static_cast<int>(out);
    leavers += out;
  }

#ifdef STRATA_PHILOX_AVX512
  // The loop above, eight rows at a time, written with AVX-512 intrinsics:
  // GCC vectorizes it, but assembles each vector from and back to the (n, 3)
  // rows one coordinate at a time (vmovsd, vmovhpd, vinsertf128: most of the
  // loop's instructions). Here the eight rows' 24 coordinates are three
  // whole-vector loads and stores, and it is the noise, computed per axis,
  // that is interleaved to match (six permutes). Lane l of the j-th vector
  // holds axis (8j + l) % 3, so the box edges and brick bounds come as
  // three vectors of that pattern. Image counts are updated in place for
  // the rows that crossed an edge (rare). The same arithmetic in the same
  // order as the loop above (the build does not contract a * b + c), so
  // bitwise the same results; returns the rows moved (a multiple of 8).
  std::size_t update_rows_avx512(const std::size_t i0, const std::size_t rows, const std::uint32_t* w0,
                                 const std::uint32_t* w1, const std::uint32_t* w2, std::size_t& out) const {
    constexpr double sqrt3 = 1.7320508075688772935274463415059;
    const __m512d zero = _mm512_setzero_pd(), half = _mm512_set1_pd(0.5), one = _mm512_set1_pd(1.0),
                  two = _mm512_set1_pd(2.0), inv2_32 = _mm512_set1_pd(1.0 / 4294967296.0),
                  root3 = _mm512_set1_pd(sqrt3), amp = _mm512_set1_pd(amplitude);
    __m512d L[3], minus_L[3], lo[3], hi[3];
    for (int j = 0; j < 3; ++j) {
      double l[8], m[8], a[8], z[8];
      for (int lane = 0; lane < 8; ++lane) {
        const int d = (8 * j + lane) % 3;
        l[lane] = geom.L[d];
        m[lane] = -geom.L[d];
        a[lane] = geom.lo[d];
        z[lane] = geom.hi[d];
      }
      L[j] = _mm512_loadu_pd(l);
      minus_L[j] = _mm512_loadu_pd(m);
      lo[j] = _mm512_loadu_pd(a);
      hi[j] = _mm512_loadu_pd(z);
    }
    // amplitude * uniform3_unit_variance's variate, for eight words.
    const auto step_of = [&](const std::uint32_t* w) {
      const __m512d u = _mm512_mul_pd(
          _mm512_add_pd(_mm512_cvtepu32_pd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))), half), inv2_32);
      return _mm512_mul_pd(amp, _mm512_mul_pd(root3, _mm512_sub_pd(_mm512_mul_pd(two, u), one)));
    };
    // (x0..x7), (y0..y7), (z0..z7) -> x0 y0 z0 x1 y1 z1 x2 y2 | z2 x3 .. x5 | y5 z5 .. z7:
    // x and y lanes from a two-source permute, then the z lanes over them.
    const __m512i xy_idx[3] = {_mm512_setr_epi64(0, 8, 0, 1, 9, 0, 2, 10), _mm512_setr_epi64(0, 3, 11, 0, 4, 12, 0, 5),
                               _mm512_setr_epi64(13, 0, 6, 14, 0, 7, 15, 0)};
    const __m512i z_idx[3] = {_mm512_setr_epi64(0, 0, 0, 0, 0, 1, 0, 0), _mm512_setr_epi64(2, 0, 0, 3, 0, 0, 4, 0),
                              _mm512_setr_epi64(0, 5, 0, 0, 6, 0, 0, 7)};
    const __mmask8 z_lanes[3] = {0x24, 0x49, 0x92};
    std::size_t k = 0;
    for (; k + 8 <= rows; k += 8) {
      const __m512d dx = step_of(w0 + k), dy = step_of(w1 + k), dz = step_of(w2 + k);
      double* const x = &position(i0 + k, 0);
      std::uint32_t up_bits = 0, down_bits = 0, out_bits = 0;
      for (int j = 0; j < 3; ++j) {
        const __m512d d = _mm512_mask_permutexvar_pd(_mm512_permutex2var_pd(dx, xy_idx[j], dy), z_lanes[j],
                                                     z_idx[j], dz);
        __m512d v = _mm512_add_pd(_mm512_loadu_pd(x + 8 * j), d);
        const __mmask8 up = _mm512_cmp_pd_mask(v, L[j], _CMP_GE_OQ), down = _mm512_cmp_pd_mask(v, zero, _CMP_LT_OQ);
        v = _mm512_add_pd(v, _mm512_mask_mov_pd(_mm512_mask_mov_pd(zero, down, L[j]), up, minus_L[j]));
        _mm512_storeu_pd(x + 8 * j, v);
        const __mmask8 outside = _mm512_cmp_pd_mask(v, lo[j], _CMP_LT_OQ) | _mm512_cmp_pd_mask(v, hi[j], _CMP_GE_OQ);
        up_bits |= static_cast<std::uint32_t>(up) << (8 * j);
        down_bits |= static_cast<std::uint32_t>(down) << (8 * j);
        out_bits |= static_cast<std::uint32_t>(outside) << (8 * j);
      }
      // Bit 3r + d is row r's axis d: a row is outside if any of its three bits is set.
      out += static_cast<std::size_t>(__builtin_popcount((out_bits | out_bits >> 1 | out_bits >> 2) & 0x249249u));
      for (std::uint32_t c = up_bits | down_bits; c != 0; c &= c - 1) {
        const int bit = __builtin_ctz(c);
        image(i0 + k + static_cast<std::size_t>(bit / 3), bit % 3) += (up_bits >> bit & 1u) ? 1 : -1;
      }
    }
    return k;
  }
#endif
};

}  // namespace strata
