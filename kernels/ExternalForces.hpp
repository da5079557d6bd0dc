#pragma once
// External force terms, added after the pair kernel (which overwrites the
// forces) and before the halo's reverse communication: walls on the faces
// of non-periodic axes and a constant body force per species. They act on
// owned rows only, each row on its own (no ghosts, no neighbours), and add
// their energy and virial to the pair sums, so thermo's potential energy
// and pressure include them (LAMMPS: fix_modify energy yes virial yes).
//
// Walls, at distance r = x_d (lo face) or L_d - x_d (hi face), cut at rc:
//   lj93      U = eps [2/15 (sigma/r)^9 - (sigma/r)^3] - U(rc)   (LAMMPS fix wall/lj93, shifted as it does)
//   harmonic  U = eps (rc - r)^2                                (LAMMPS fix wall/harmonic)
// The force pushes away from the face; the virial is F_d (x_d - x_wall), as
// LAMMPS' fix wall virial.
// Body force F_s (per species: m_s g + f_s): U = -F_s . x over the
// non-periodic axes only (on a periodic axis a constant force has no
// potential; LAMMPS' fix gravity energy there depends on where the box
// wraps); no virial (as LAMMPS fix gravity / fix addforce).
#include <Kokkos_Core.hpp>

#include "core/Species.hpp"
#include "kernels/Boundary.hpp"
#include "kernels/PairPotential.hpp"
#include "kernels/Particles.hpp"

namespace strata {

enum class WallKind : int { None = 0, LennardJones93 = 1, Harmonic = 2 };

// One face's wall, constants precomputed on the host (wall_face()).
struct WallFace {
  int kind = static_cast<int>(WallKind::None);
  double epsilon = 0.0, cutoff = 0.0;
  double c1 = 0.0, c2 = 0.0, c3 = 0.0, c4 = 0.0;  // lj93: 6/5 eps s^9, 3 eps s^3, 2/15 eps s^9, eps s^3
  double offset = 0.0;                            // lj93: U(rc) before the shift

  // Force away from the face (positive pushes into the box) at distance r
  // from it, and the energy; zero at r >= cutoff.
  KOKKOS_INLINE_FUNCTION double force(double r, double& energy) const {
    energy = 0.0;
    if (kind == static_cast<int>(WallKind::None) || r >= cutoff) return 0.0;
    if (kind == static_cast<int>(WallKind::Harmonic)) {
      const double dr = cutoff - r;
      energy = epsilon * dr * dr;
      return 2.0 * epsilon * dr;
    }
    const double rinv = 1.0 / r, r2inv = rinv * rinv, r4inv = r2inv * r2inv, r10inv = r4inv * r4inv * r2inv;
    energy = c3 * r4inv * r4inv * rinv - c4 * r2inv * rinv - offset;
    return c1 * r10inv - c2 * r4inv;
  }
};

inline WallFace wall_face(WallKind kind, double epsilon, double sigma, double cutoff) {
  WallFace w;
  w.kind = static_cast<int>(kind);
  w.epsilon = epsilon;
  w.cutoff = cutoff;
  if (kind == WallKind::LennardJones93) {
    const double s3 = sigma * sigma * sigma, s9 = s3 * s3 * s3;
    w.c1 = 6.0 / 5.0 * epsilon * s9;
    w.c2 = 3.0 * epsilon * s3;
    w.c3 = 2.0 / 15.0 * epsilon * s9;
    w.c4 = epsilon * s3;
    const double rinv = 1.0 / cutoff, r2inv = rinv * rinv, r4inv = r2inv * r2inv;
    w.offset = w.c3 * r4inv * r4inv * rinv - w.c4 * r2inv * rinv;
  }
  return w;
}

// Everything the external-force kernel needs, by value.
struct ExternalField {
  WallFace wall[3][2];                    // [axis][0: lo face at 0, 1: hi face at L]
  double body_force[kMaxSpecies][3] = {};  // per species
  double L[3] = {0.0, 0.0, 0.0};
  bool energy_axis[3] = {false, false, false};  // non-periodic: the body force has a potential
  bool walls = false, body = false;              // anything to do

  bool any() const { return walls || body; }
};

// Adds the walls' and the body force's forces to owned rows [0, n) and, when
// WithSums, reduces their energy and virial. Reads positions (in [0, L] on
// non-periodic axes: the integrators reflect there) and species.
template <bool WithSums>
struct ExternalForceLoop {
  Vec3View x, f;
  IntView species;
  ExternalField field;

  KOKKOS_INLINE_FUNCTION void operator()(const int i, double& energy, double& virial) const {
    const int s = species(i);
    for (int d = 0; d < 3; ++d) {
      const double xd = x(i, d);
      double fd = field.body_force[s][d];
      if (WithSums && field.energy_axis[d]) energy -= fd * xd;
      if (field.walls) {
        double e_lo = 0.0, e_hi = 0.0;
        const double f_lo = field.wall[d][0].force(xd, e_lo);                 // pushes +d
        const double f_hi = -field.wall[d][1].force(field.L[d] - xd, e_hi);  // pushes -d
        fd += f_lo + f_hi;
        if (WithSums) {
          energy += e_lo + e_hi;
          virial += f_lo * xd + f_hi * (xd - field.L[d]);
        }
      }
      f(i, d) += fd;
    }
  }
};

// The kernel's launch: adds to p.force of owned rows; the sums when asked.
inline PairSums add_external_forces(const Particles& p, const ExternalField& field, bool with_sums) {
  PairSums sums;
  if (!field.any()) return sums;
  const auto policy = Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(p.size));
  if (with_sums)
    Kokkos::parallel_reduce("ExternalForces::force_energy", policy,
                            ExternalForceLoop<true>{p.position, p.force, p.species, field}, sums.energy,
                            sums.virial);
  else
    Kokkos::parallel_reduce("ExternalForces::force", policy,
                            ExternalForceLoop<false>{p.position, p.force, p.species, field}, sums.energy,
                            sums.virial);
  if (!with_sums) sums = PairSums{};
  return sums;
}

}  // namespace strata
