#pragma once
// Device kernels that create a rank's initial particles.
//
// Generated placements (uniform, sc, fcc) are pure functions of the particle
// id, so every rank walks all N ids and keeps those in its brick: no particle
// data is communicated at start-up, and the state does not depend on the
// number of ranks. Velocities are drawn per id too; the global sums needed to
// remove net momentum and hit the temperature exactly are done in fixed point
// (int64), which is associative, so they are bitwise the same on any number
// of ranks. This file does not talk to MPI: the caller reduces the sums.
#include <array>
#include <cstdint>

#include "kernels/Particles.hpp"
#include "kernels/Species.hpp"

namespace strata {

// Generated placements: uniform random, or the sites of a simple-cubic or
// face-centred-cubic lattice filling the box.
enum class Lattice { Uniform, SimpleCubic, Fcc };

struct GeneratedPlacement {
  Lattice kind;
  std::int64_t count;      // N
  std::array<double, 3> box;
  std::uint64_t seed;
  std::array<double, 3> lo, hi;  // keep particles with lo <= coordinate < hi on every axis
  Composition composition{};
};

// Cells per axis of the lattice used for `count` sites (0 for Uniform).
std::int64_t lattice_cells_per_axis(Lattice kind, std::int64_t count);

// Number of particles the placement puts in the brick [lo, hi).
std::size_t count_generated(const GeneratedPlacement& g);
// Fill rows [0, n) of p (p must have room) with those particles in id
// order: position, id, species from the composition, image 0,
// origin = position, velocity 0.
void fill_generated(const GeneratedPlacement& g, Particles& p);

// Fixed-point scale for velocity sums: 2^24 resolves 6e-8 and leaves room
// for 1e10 particles of speed 50 without overflow.
constexpr double kVelocityFixedPoint = 16777216.0;

// v = sqrt(T/m) * N(0,1) per component, keyed by (seed, id, InitialVelocity).
void draw_thermal_velocities(Particles& p, std::uint64_t seed, double temperature, const MassTable& masses);
// Fixed-point sums over rows [0, size) of each momentum component m v, and
// of the mass (index 3).
std::array<std::int64_t, 4> momentum_fixed(const Particles& p, const MassTable& masses);
// Fixed-point sum of m |v - mean|^2 over rows [0, size).
std::int64_t velocity_square_fixed(const Particles& p, const std::array<double, 3>& mean, const MassTable& masses);
// v = (v - mean) * scale + drift.
void shift_scale_velocities(Particles& p, const std::array<double, 3>& mean, double scale,
                            const std::array<double, 3>& drift);

}  // namespace strata
