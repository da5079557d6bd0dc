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
// loop over the block written so the compiler vectorizes it, with no
// branch. The
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
    random_words_block(seed, &id(i0), i1 - i0, step, RngStream::Brownian, w0, w1, w2);
    // Each axis' wrap (-1, 0, +1) goes to a small array, and only the rows
    // that crossed an edge (about one in a thousand per step in the
    // benchmark's box) have their image counts updated afterwards: the
    // image counts are neither read nor written by the vector loop.
    std::int8_t crossed[3][kBlock];
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC ivdep
#endif
    for (std::size_t i = i0; i < i1; ++i) {
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
    for (std::size_t k = 0; k < i1 - i0; ++k)
      if ((crossed[0][k] | crossed[1][k] | crossed[2][k]) != 0)
        for (int d = 0; d < 3; ++d) image(i0 + k, d) += crossed[d][k];
    block_leavers(b) = static_cast<int>(out);
    leavers += out;
  }
};

}  // namespace strata
