#include "kernels/LennardJones.hpp"

#include <algorithm>

namespace strata {

namespace {

// SingleSpecies: one set of coefficients, no species lookups (the common
// case, and the one benchmarked against LAMMPS).
template <bool WithSums, bool SingleSpecies, class Scatter>
struct LjForce {
  Vec3View x;
  IntView species;
  Scatter f;
  NeighborList::Offsets offset;
  NeighborList::Entries neigh;
  NeighborList::Rows reaction;
  PairTable t;
  int n_owned;

  KOKKOS_INLINE_FUNCTION void operator()(const int i, double& energy, double& virial) const {
    auto fa = f.access();
    const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
    const int ti = SingleSpecies ? 0 : species(i);
    double fx = 0.0, fy = 0.0, fz = 0.0;
    const int end = offset(i + 1);
    for (int k = offset(i); k < end; ++k) {
      const int j = neigh(k);
      const double dx = xi - x(j, 0), dy = yi - x(j, 1), dz = zi - x(j, 2);
      const double rsq = dx * dx + dy * dy + dz * dz;
      const int tj = SingleSpecies ? 0 : species(j);
      if (rsq >= t.cutsq[ti][tj]) continue;
      const double r2inv = 1.0 / rsq;
      const double r6inv = r2inv * r2inv * r2inv;
      const double fpair = r6inv * (t.lj1[ti][tj] * r6inv - t.lj2[ti][tj]) * r2inv;
      fx += dx * fpair;
      fy += dy * fpair;
      fz += dz * fpair;
      // The reaction goes to the row j stands for: itself (owned, or a copy
      // of another rank's particle, sent home after the kernel), or the row
      // it is a periodic image of. r < 0 (lists built without reaction
      // rows): the other side computes the pair too, so half the energy.
      const int r = reaction(j);
      if (r >= 0) {
        fa(r, 0) -= dx * fpair;
        fa(r, 1) -= dy * fpair;
        fa(r, 2) -= dz * fpair;
      }
      if (WithSums) {
        const double w = r >= 0 ? 1.0 : 0.5;
        energy += w * (r6inv * (t.lj3[ti][tj] * r6inv - t.lj4[ti][tj]) - t.offset[ti][tj]);
        virial += w * rsq * fpair;
      }
    }
    fa(i, 0) += fx;
    fa(i, 1) += fy;
    fa(i, 2) += fz;
  }
};

}  // namespace

PairSums compute_lj_forces(const Particles& p, const NeighborList& list, const PairTable& table, bool with_sums) {
  const int n = static_cast<int>(p.size);
  auto force = p.force;  // non-const: contribute() writes through it
  // Ghost rows with force rows too: those of other ranks' particles collect
  // reactions (periodic images have none; their reactions go to the source).
  const int rows = static_cast<int>(std::min(p.size + p.ghosts, static_cast<std::size_t>(force.extent(0))));
  Kokkos::parallel_for(
      "LennardJones::zero", Kokkos::RangePolicy<ExecSpace>(0, rows),
      KOKKOS_LAMBDA(const int i) {
        force(i, 0) = 0.0;
        force(i, 1) = 0.0;
        force(i, 2) = 0.0;
      });
  auto scatter = Kokkos::Experimental::create_scatter_view(force);
  using Scatter = decltype(scatter);
  PairSums sums;
  auto launch = [&](auto kernel, const char* name) {
    Kokkos::parallel_reduce(name, Kokkos::RangePolicy<ExecSpace>(0, n), kernel, sums.energy, sums.virial);
  };
  const bool single = table.count == 1;
  if (with_sums && single)
    launch(LjForce<true, true, Scatter>{p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table, n},
           "LennardJones::force_energy");
  else if (with_sums)
    launch(LjForce<true, false, Scatter>{p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table, n},
           "LennardJones::force_energy");
  else if (single)
    launch(LjForce<false, true, Scatter>{p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table, n},
           "LennardJones::force");
  else
    launch(LjForce<false, false, Scatter>{p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table, n},
           "LennardJones::force");
  if (!with_sums) sums = PairSums{};
  Kokkos::Experimental::contribute(force, scatter);
  return sums;
}

}  // namespace strata
