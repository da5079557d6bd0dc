#include "kernels/PairPotential.hpp"

#include <Kokkos_ScatterView.hpp>

#include <algorithm>
#include <type_traits>

#include "kernels/ClusterPairKernel.hpp"
#include "kernels/potentials/LennardJones.hpp"
#include "kernels/potentials/Morse.hpp"
#include "kernels/potentials/Soft.hpp"
#include "kernels/potentials/Yukawa.hpp"

namespace strata {

namespace {

// The neighbour loop of every potential. SingleSpecies: one set of
// coefficients, no species lookups (the common case, and the one
// benchmarked against LAMMPS). Real: the arithmetic of force_divr (double,
// or float in mixed precision; see PairPrecision).
template <class Potential, class Real, bool WithSums, bool SingleSpecies, class Scatter>
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
      Real e = 0;
      const double fpair = Potential::force_divr(t.coeff[ti][tj], static_cast<Real>(rsq), e);
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

// The same loop for CPUs, in chunks of a particle's neighbours, in three
// passes that each do one kind of work:
//  1. the pair arithmetic of the whole chunk: gather the partner's position,
//     r^2, force/r and energy, times 1 or 0 for the cutoff (no branch: about
//     a third of the listed pairs lie beyond it, in no order a predictor
//     could learn), and the pair's force, energy and virial; no scatter, so
//     the compiler vectorizes it (gathers, wide divisions, blends in
//     STRATA_ARCH's instruction set);
//  2. the particle's sums, in kLanes independent partial sums (lane l takes
//     pairs l, l + kLanes, ...), which break the chain of dependent
//     additions a single sum makes and which the compiler turns into vector
//     adds; the lanes are added in a fixed order at the end;
//  3. the reactions, one row per pair (a row appears once in a particle's
//     list), scalar: independent read-modify-writes.
// The order of a particle's own additions is fixed by its list alone (the
// reactions' order across threads is the ScatterView's: repeatable at a
// given thread count, not across counts); it differs from the
// one-pair-at-a-time loop above (GPUs) by rounding.
template <class Potential, class Real, bool WithSums, bool SingleSpecies, class Scatter>
struct ChunkedPairForceLoop {
  static constexpr int kChunk = 64;
  static constexpr int kLanes = 8;
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
    double lfx[kLanes] = {}, lfy[kLanes] = {}, lfz[kLanes] = {}, le[kLanes] = {}, lv[kLanes] = {};
    double cfx[kChunk], cfy[kChunk], cfz[kChunk], ce[kChunk], cv[kChunk];
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
        Real e = 0;
        const Real f_r = Potential::force_divr(t.coeff[ti][tj], static_cast<Real>(rsq), e);
        // Times 1 or 0 rather than a select: GCC if-converts this form
        // for float and double alike.
        const double in = rsq < t.cutsq[ti][tj] ? 1.0 : 0.0;
        const double fpair = static_cast<double>(f_r * static_cast<Real>(in));
        cfx[q] = dx * fpair;
        cfy[q] = dy * fpair;
        cfz[q] = dz * fpair;
        if (WithSums) {
          // r(j) < 0 (lists built without reaction rows): the other side
          // computes the pair too, so half its energy and virial here.
          const double w = reaction(j) >= 0 ? 1.0 : 0.5;
          ce[q] = w * ((static_cast<double>(e) - t.shift[ti][tj]) * in);
          cv[q] = w * (rsq * fpair);
        }
      }
      const int whole = m - m % kLanes;
      for (int q0 = 0; q0 < whole; q0 += kLanes)
        for (int l = 0; l < kLanes; ++l) {
          lfx[l] += cfx[q0 + l];
          lfy[l] += cfy[q0 + l];
          lfz[l] += cfz[q0 + l];
          if (WithSums) {
            le[l] += ce[q0 + l];
            lv[l] += cv[q0 + l];
          }
        }
      for (int q = whole; q < m; ++q) {
        lfx[q - whole] += cfx[q];
        lfy[q - whole] += cfy[q];
        lfz[q - whole] += cfz[q];
        if (WithSums) {
          le[q - whole] += ce[q];
          lv[q - whole] += cv[q];
        }
      }
      // The reaction goes to the row j stands for: itself (owned, or a
      // copy of another rank's particle, sent home after the kernel), or
      // the row it is a periodic image of; none when r(j) < 0.
      for (int q = 0; q < m; ++q) {
        const int r = reaction(neigh(k0 + q));
        if (r >= 0) {
          fa(r, 0) -= cfx[q];
          fa(r, 1) -= cfy[q];
          fa(r, 2) -= cfz[q];
        }
      }
    }
    double fx = 0.0, fy = 0.0, fz = 0.0;
    for (int l = 0; l < kLanes; ++l) {
      fx += lfx[l];
      fy += lfy[l];
      fz += lfz[l];
      if (WithSums) {
        energy += le[l];
        virial += lv[l];
      }
    }
    fa(i, 0) += fx;
    fa(i, 1) += fy;
    fa(i, 2) += fz;
  }
};

// Chunks on CPUs; on a GPU each thread keeps one pair in registers.
template <class Potential, class Real, bool WithSums, bool SingleSpecies, class Scatter>
using PairLoopFor =
    std::conditional_t<Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible,
                       ChunkedPairForceLoop<Potential, Real, WithSums, SingleSpecies, Scatter>,
                       PairForceLoop<Potential, Real, WithSums, SingleSpecies, Scatter>>;

template <class Potential, class Real, bool WithSums, bool SingleSpecies, class Scatter>
void launch(const Particles& p, const NeighborList& list, const PairTable<Potential>& table, const Scatter& scatter,
            PairSums& sums) {
  const PairLoopFor<Potential, Real, WithSums, SingleSpecies, Scatter> loop{
      p.position, p.species, scatter, list.offsets(), list.entries(), list.reaction(), table};
  const std::string label = std::string(Potential::name) + (WithSums ? "::force_energy" : "::force") +
                            (std::is_same_v<Real, float> ? "_mixed" : "");
  Kokkos::parallel_reduce(label, Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(p.size)), loop, sums.energy,
                          sums.virial);
}

template <class Potential, class Real, class Scatter>
void launch_variant(const Particles& p, const NeighborList& list, const PairTable<Potential>& table,
                    const Scatter& scatter, bool with_sums, PairSums& sums) {
  const bool single = table.count == 1;
  if (with_sums && single)
    launch<Potential, Real, true, true>(p, list, table, scatter, sums);
  else if (with_sums)
    launch<Potential, Real, true, false>(p, list, table, scatter, sums);
  else if (single)
    launch<Potential, Real, false, true>(p, list, table, scatter, sums);
  else
    launch<Potential, Real, false, false>(p, list, table, scatter, sums);
}

template <class Potential, class Real>
void launch_clusters(const Particles& p, const NeighborList& list, const PairTable<Potential>& table, bool with_sums,
                     PairSums& sums) {
  const bool single = table.count == 1;
  if (with_sums && single)
    cluster_kernel::run<Potential, Real, true, true>(p, list, table, sums);
  else if (with_sums)
    cluster_kernel::run<Potential, Real, true, false>(p, list, table, sums);
  else if (single)
    cluster_kernel::run<Potential, Real, false, true>(p, list, table, sums);
  else
    cluster_kernel::run<Potential, Real, false, false>(p, list, table, sums);
}

}  // namespace

template <class Potential>
PairSums compute_pair_forces(const Particles& p, const NeighborList& list, const PairTable<Potential>& table,
                             bool with_sums, PairPrecision precision) {
  // CPUs: the cluster-pair list's kernel when the list is one (NeighborList).
  if constexpr (Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible) {
    if (list.clustered()) {
      PairSums sums;
      if (precision == PairPrecision::Mixed)
        launch_clusters<Potential, float>(p, list, table, with_sums, sums);
      else
        launch_clusters<Potential, double>(p, list, table, with_sums, sums);
      if (!with_sums) sums = PairSums{};
      return sums;
    }
  }
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
  if (precision == PairPrecision::Mixed)
    launch_variant<Potential, float>(p, list, table, scatter, with_sums, sums);
  else
    launch_variant<Potential, double>(p, list, table, scatter, with_sums, sums);
  if (!with_sums) sums = PairSums{};
  Kokkos::Experimental::contribute(force, scatter);
  return sums;
}

// One line per potential (ARCHITECTURE.md, "Adding a potential").
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<LennardJones>&, bool,
                                      PairPrecision);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Morse>&, bool, PairPrecision);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Yukawa>&, bool, PairPrecision);
template PairSums compute_pair_forces(const Particles&, const NeighborList&, const PairTable<Soft>&, bool, PairPrecision);

}  // namespace strata
