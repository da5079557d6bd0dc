// The whole force path on 1-4 ranks: slab layout, ghosts (HaloExchange),
// neighbour list, the pair kernel and the reverse communication of
// reactions. Every owned particle's force, and the total energy and virial,
// must equal an all-pairs minimum-image sum over the whole box.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <random>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/HaloExchange.hpp"
#include "decomposition/SlabLayout.hpp"
#include "kernels/LennardJones.hpp"
#include "kernels/NeighborList.hpp"

using namespace strata;

namespace {

struct Atom {
  double x[3];
  int species;
};

double min_image(double d, double L) { return d - L * std::round(d / L); }

// Random particles no closer than 0.85 (minimum image), two species: the
// same set on every rank.
std::vector<Atom> random_atoms(int n, const std::array<double, 3>& L, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Atom> atoms;
  while (static_cast<int>(atoms.size()) < n) {
    Atom a{{u(gen) * L[0], u(gen) * L[1], u(gen) * L[2]}, static_cast<int>(atoms.size() % 3 == 0)};
    bool ok = true;
    for (const Atom& b : atoms) {
      double r2 = 0;
      for (int d = 0; d < 3; ++d) r2 += std::pow(min_image(a.x[d] - b.x[d], L[d]), 2);
      ok = ok && r2 >= 0.85 * 0.85;
    }
    if (ok) atoms.push_back(a);
  }
  return atoms;
}

}  // namespace

TEST(HaloForces, EveryForceEnergyAndVirialMatchAnAllPairsSum) {
  int rank = 0, P = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  SystemBox system;
  system.box = {12.0, 7.0, 6.5};  // slabs of 3 at 4 ranks, >= cutoff + skin
  const std::array<double, 3> L = system.box;
  PairTable table{};
  table.count = 2;
  table.set(0, 0, 1.0, 1.0, 2.5, true);
  table.set(0, 1, 1.5, 0.8, 2.0, true);
  table.set(1, 1, 0.5, 0.88, 2.2, true);
  const double cutoff = 2.5, skin = 0.3;
  const std::vector<Atom> atoms = random_atoms(260, L, 7);

  // Half lists (each pair once, reactions sent home) and full lists (each
  // pair from both sides, ghosts from both neighbours, nothing sent back).
  for (const bool full : {false, true})
  for (int axis = 0; axis < 3; ++axis) {
    if (L[axis] / P < cutoff + skin) continue;  // y, z at 3 and 4 ranks: too thin
    SCOPED_TRACE(std::string(full ? "full" : "half") + " lists, slab axis " + std::to_string(axis));
    const SlabLayout layout = SlabLayout::uniform(system, axis, P);
    std::vector<int> mine;
    for (int k = 0; k < static_cast<int>(atoms.size()); ++k)
      if (atoms[k].x[axis] >= layout.lo(rank) && atoms[k].x[axis] < layout.hi(rank)) mine.push_back(k);
    Particles p;
    p.allocate(mine.size(), true);
    p.size = mine.size();
    {
      auto h_x = Kokkos::create_mirror_view(p.position);
      auto h_s = Kokkos::create_mirror_view(p.species);
      for (std::size_t i = 0; i < mine.size(); ++i) {
        for (int d = 0; d < 3; ++d) h_x(i, d) = atoms[mine[i]].x[d];
        h_s(i) = atoms[mine[i]].species;
      }
      Kokkos::deep_copy(p.position, h_x);
      Kokkos::deep_copy(p.species, h_s);
    }
    CommStats stats;
    HaloExchange halo(MPI_COMM_WORLD, layout, cutoff + skin, false, !full);
    halo.build(p, stats);
    const double w = halo.width();
    BinningBox box{};
    for (int d = 0; d < 3; ++d) {
      box.lo[d] = d == axis ? layout.lo(rank) - w : -w;
      box.hi[d] = d == axis ? layout.hi(rank) + w : L[d] + w;
    }
    NeighborList list;
    list.build(p.position, static_cast<int>(p.size), static_cast<int>(p.size + p.ghosts), box, cutoff + skin,
               halo.reaction(), full);
    const PairSums local = compute_lj_forces(p, list, table, true);
    halo.reverse_forces(p, stats);
    double sums[2] = {local.energy, local.virial}, total[2] = {0, 0};
    MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

    // The all-pairs reference.
    std::vector<std::array<double, 3>> f_ref(atoms.size(), {0.0, 0.0, 0.0});
    double e_ref = 0, w_ref = 0;
    for (std::size_t a = 0; a < atoms.size(); ++a)
      for (std::size_t b = a + 1; b < atoms.size(); ++b) {
        double dx[3], r2 = 0;
        for (int d = 0; d < 3; ++d) {
          dx[d] = min_image(atoms[a].x[d] - atoms[b].x[d], L[d]);
          r2 += dx[d] * dx[d];
        }
        const int ta = atoms[a].species, tb = atoms[b].species;
        if (r2 >= table.cutsq[ta][tb]) continue;
        const double r6 = 1.0 / (r2 * r2 * r2);
        const double fpair = r6 * (table.lj1[ta][tb] * r6 - table.lj2[ta][tb]) / r2;
        for (int d = 0; d < 3; ++d) {
          f_ref[a][d] += dx[d] * fpair;
          f_ref[b][d] -= dx[d] * fpair;
        }
        e_ref += r6 * (table.lj3[ta][tb] * r6 - table.lj4[ta][tb]) - table.offset[ta][tb];
        w_ref += r2 * fpair;
      }
    EXPECT_NEAR(total[0], e_ref, 1e-10 * std::abs(e_ref));
    EXPECT_NEAR(total[1], w_ref, 1e-10 * std::abs(w_ref));

    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
    int checked = 0;
    for (std::size_t i = 0; i < mine.size(); ++i)
      for (int d = 0; d < 3; ++d) {
        const double ref = f_ref[mine[i]][d];
        EXPECT_NEAR(f(i, d), ref, 1e-10 * (1.0 + std::abs(ref))) << "atom " << mine[i] << " component " << d;
        ++checked;
      }
    int all = 0;
    MPI_Allreduce(&checked, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(all, 3 * static_cast<int>(atoms.size()));
  }
}
