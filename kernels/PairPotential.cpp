#include "kernels/PairPotential.hpp"

#include <Kokkos_ScatterView.hpp>

#include <algorithm>
#include <type_traits>

#include "kernels/potentials/LennardJones.hpp"
#include "kernels/potentials/Morse.hpp"
#include "kernels/potentials/Soft.hpp"
#include "kernels/potentials/Yukawa.hpp"

namespace strata {

namespace {

// The neighbour loop of every potential. SingleSpecies: one set of
// coefficients, no species lookups (the common case, and the one
// benchmarked against LAMMPS).
template <class Potential, bool WithSums, bool SingleSpecies, class Scatter>
struct PairForceLoop {
  Vec3View x;
  IntView species;
  Scatter f;
  NeighborList::Offsets offset;
  NeighborList::Entries neigh;
  NeighborList::Rows reaction;
  PairTable<Potential> t;

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
      double e = 0.0;
      const double fpair = Potential::force_divr(t.coeff[ti][tj], rsq, e);
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
        energy += w * (e - t.shift[ti][tj]);
        virial += w * rsq * fpair;
      }
    }
    fa(i, 0) += fx;
    fa(i, 1) += fy;
    fa(i, 2) += fz;
  }
};

// The same loop for CPUs, in chunks of a particle's neighbours: first the
// pair arithmetic of the whole chunk (gather the partner's position, r^2,
// force/r and energy, for every pair, in range or not) as one loop with no
// branch and no scatter, which the compiler can vectorize (gathers and
// wide divisions with STRATA_ARCH's instruction set); then, in list order,
// the cutoff test, the sums and the reactions, with the arithmetic of the
// scalar loop above: bitwise the same forces, energies and virials.
template <class Potential, bool WithSums, bool SingleSpecies, class Scatter>
struct ChunkedPairForceLoop {
  static constexpr int kChunk = 64;
  Vec3View x;
  IntView species;
  Scatter f;
  NeighborList::Offsets offset;
  NeighborList::Entries neigh;
  NeighborList::Rows reaction;
  PairTable<Potential> t;

  KOKKOS_INLINE_FUNCTION void operator()(const int i, double& energy, double& virial) const {
    auto fa = f.access();
    const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
    const int ti = SingleSpecies ? 0 : species(i);
    double fx = 0.0, fy = 0.0, fz = 0.0;
    double cdx[kChunk], cdy[kChunk], cdz[kChunk], crsq[kChunk], cf[kChunk], ce[kChunk];
    const int end = offset(i + 1);
    for (int k0 = offset(i); k0 < end; k0 += kChunk) {
      const int m = end - k0 < kChunk ? end - k0 : kChunk;
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC ivdep
#endif
      for (int q = 0; q < m; ++q) {
        const int j = neigh(k0 + q);
        const double dx = xi - x(j, 0), dy = yi - x(j, 1), dz = zi - x(j, 2);
        const double rsq = dx * dx + dy * dy + dz * dz;
        const int tj = SingleSpecies ? 0 : species(j);
        double e = 0.0;
        cf[q] = Potential::force_divr(t.coeff[ti][tj], rsq, e);
        ce[q] = e;
        cdx[q] = dx;
        cdy[q] = dy;
        cdz[q] = dz;
        crsq[q] = rsq;
      }
      for (int q = 0; q < m; ++q) {
        const int j = neigh(k0 + q);
        const int tj = SingleSpecies ? 0 : species(j);
        const double rsq = crsq[q];
        if (rsq >= t.cutsq[ti][tj]) continue;
        const double dx = cdx[q], dy = cdy[q], dz = cdz[q], fpair = cf[q];
        fx += dx * fpair;
        fy += dy * fpair;
        fz += dz * fpair;
        const int r = reaction(j);
        if (r >= 0) {
          fa(r, 0) -= dx * fpair;
          fa(r, 1) -= dy * fpair;
          fa(r, 2) -= dz * fpair;
        }
        if (WithSums) {
          const double w = r >= 0 ? 1.0 : 0.5;
          energy += w * (ce[q] - t.shift[ti][tj]);
          virial += w * rsq * fpair;
        }
      }
    }
    fa(i, 0) += fx;
    fa(i, 1) += fy;
    fa(i, 2) += fz;
  }
};

// Chunks on CPUs; on a GPU each thread keeps one pair in registers.
template <class Potential, bool WithSums, bool SingleSpecies, class Scatter>
using PairLoopFor =
    std::conditional_t<Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible,
                       ChunkedPairForceLoop<Potential, WithSums, SingleSpecies, Scatter>,
                       PairForceLoop<Potential, WithSums, SingleSpecies, Scatter>>;

template <class Potential, bool WithSums, bool SingleSpecies, class Scatter>
void launch(const Particles& p, const NeighborList& list, const PairTable<Potential>& table, const Scatter& scatter,
            PairSums& sums) {
  const PairLoopFor<Potential, WithSums, SingleSpecies, Scatter> loop{
      p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table};
  const std::string label = std::string(Potential::name) + (WithSums ? "::force_energy" : "::force");
  Kokkos::parallel_reduce(label, Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(p.size)), loop, sums.energy,
                          sums.virial);
}

}  // namespace

template <class Potential>
PairSums compute_pair_forces(const Particles& p, const NeighborList& list, const PairTable<Potential>& table,
                             bool with_sums) {
  auto force = p.force;  // non-const: contribute() writes through it
  // Ghost rows with force rows too: those of other ranks' particles collect
  // reactions (periodic images have none; their reactions go to the source).
  const int rows = static_cast<int>(std::min(p.size + p.ghosts, static_cast<std::size_t>(force.extent(0))));
  Kokkos::parallel_for(
      "PairForce::zero", Kokkos::RangePolicy<ExecSpace>(0, rows), KOKKOS_LAMBDA(const int i) {
        force(i, 0) = 0.0;
        force(i, 1) = 0.0;
        force(i, 2) = 0.0;
      });
  auto scatter = Kokkos::Experimental::create_scatter_view(force);
  PairSums sums;
  const bool single = table.count == 1;
  if (with_sums && single)
    launch<Potential, true, true>(p, list, table, scatter, sums);
  else if (with_sums)
    launch<Potential, true, false>(p, list, table, scatter, sums);
  else if (single)
    launch<Potential, false, true>(p, list, table, scatter, sums);
  else
    launch<Potential, false, false>(p, list, table, scatter, sums);
  if (!with_sums) sums = PairSums{};
  Kokkos::Experimental::contribute(force, scatter);
  return sums;
}

// One line per potential (ARCHITECTURE.md, "Adding a potential").
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<LennardJones>&, bool);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Morse>&, bool);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Yukawa>&, bool);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Soft>&, bool);

}  // namespace strata
