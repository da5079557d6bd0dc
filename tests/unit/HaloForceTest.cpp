// The whole force path on 1-4 ranks: slab layout, ghosts (HaloExchange),
// neighbour list, the pair kernel and the reverse communication of
// reactions. Every owned particle's force, and the total energy and virial,
// must equal an all-pairs minimum-image sum over the whole box, for every
// pair potential (tables made from a Config as the driver makes them, the
// reference from the formulas written out here).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <random>
#include <vector>

#include "decomposition/CommStats.hpp"
#include "decomposition/HaloExchange.hpp"
#include "decomposition/GridLayout.hpp"
#include "kernels/PairForce.hpp"
#include "kernels/potentials/LennardJones.hpp"
#include "src/Interactions.hpp"
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

// The reference pair: false beyond the cutoff, else force / r and the
// (shifted) energy.
using ReferencePair = std::function<bool(int ta, int tb, double r2, double& fpair, double& energy)>;

// The force path on this rank count, every slab axis the box allows, against
// the all-pairs sum of `ref`.
// `tolerance` is relative to 1 + |f| per force component, or with
// `of_pair_sum` to 1 + the sum of |pair force| over the particle's pairs
// (single-precision pair arithmetic: the net force of a dense liquid is a
// small difference of large pair forces, each good to about 1e-7).
void expect_all_pairs_sums(const PairForce& force, const ReferencePair& ref, double tolerance = 1e-10,
                           bool of_pair_sum = false) {
  int rank = 0, P = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  SystemBox system;
  system.box = {12.0, 7.0, 6.5};  // slabs of 3 at 4 ranks and 2 x 2 bricks, >= cutoff + skin
  const std::array<double, 3> L = system.box;
  const double cutoff = force.max_cutoff(), skin = 0.3;
  ASSERT_LE(cutoff, 2.7);
  const std::vector<Atom> atoms = random_atoms(260, L, 7);

  // Half lists (each pair once, reactions sent home) and full lists (each
  // pair from both sides, ghosts from both neighbours, nothing sent back).
  // Every slab axis and every grid of P bricks that the box allows.
  std::vector<GridDims> grids;
  for (int px = 1; px <= P; ++px)
    for (int py = 1; py <= P / px; ++py)
      if (P % (px * py) == 0) grids.push_back({px, py, P / (px * py)});
  for (const bool full : {false, true})
  for (const GridDims& dims : grids) {
    bool fits = true;
    for (int d = 0; d < 3; ++d) fits = fits && (dims[d] == 1 || L[d] / dims[d] >= cutoff + skin);
    if (!fits) continue;
    const GridLayout layout = GridLayout::uniform(system, dims);
    SCOPED_TRACE(std::string(full ? "full" : "half") + " lists, grid " + std::to_string(dims[0]) + "x" +
                 std::to_string(dims[1]) + "x" + std::to_string(dims[2]));
    std::vector<int> mine;
    for (int k = 0; k < static_cast<int>(atoms.size()); ++k)
      if (layout.owner(atoms[k].x) == rank) mine.push_back(k);
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
      const bool cut = dims[d] > 1 || d == layout.primary_axis();
      box.lo[d] = cut ? layout.lo(rank, d) - w : -w;
      box.hi[d] = cut ? layout.hi(rank, d) + w : L[d] + w;
    }
    NeighborList list;
    list.build(p.position, static_cast<int>(p.size), static_cast<int>(p.size + p.ghosts), box, cutoff + skin,
               halo.reaction(), full);
    const PairSums local = force.compute(p, list, true);
    halo.reverse_forces(p, stats);
    double sums[2] = {local.energy, local.virial}, total[2] = {0, 0};
    MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

    // The all-pairs reference.
    std::vector<std::array<double, 3>> f_ref(atoms.size(), {0.0, 0.0, 0.0}), f_abs = f_ref;
    double e_ref = 0, w_ref = 0;
    int interacting = 0;
    for (std::size_t a = 0; a < atoms.size(); ++a)
      for (std::size_t b = a + 1; b < atoms.size(); ++b) {
        double dx[3], r2 = 0;
        for (int d = 0; d < 3; ++d) {
          dx[d] = min_image(atoms[a].x[d] - atoms[b].x[d], L[d]);
          r2 += dx[d] * dx[d];
        }
        double fpair = 0, e = 0;
        if (!ref(atoms[a].species, atoms[b].species, r2, fpair, e)) continue;
        ++interacting;
        for (int d = 0; d < 3; ++d) {
          f_ref[a][d] += dx[d] * fpair;
          f_ref[b][d] -= dx[d] * fpair;
          f_abs[a][d] += std::abs(dx[d] * fpair);
          f_abs[b][d] += std::abs(dx[d] * fpair);
        }
        e_ref += e;
        w_ref += r2 * fpair;
      }
    EXPECT_GT(interacting, 100);
    if (rank == 0)
      std::printf("%d ranks, grid %dx%dx%d: %d pairs; energy %.12g, relative difference %.1e; virial %.12g, %.1e\n",
                  P, dims[0], dims[1], dims[2], interacting, e_ref, std::abs(total[0] - e_ref) / std::abs(e_ref), w_ref,
                  std::abs(total[1] - w_ref) / std::abs(w_ref));
    EXPECT_NEAR(total[0], e_ref, tolerance * std::abs(e_ref));
    EXPECT_NEAR(total[1], w_ref, tolerance * std::abs(w_ref));

    auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.force);
    int checked = 0;
    for (std::size_t i = 0; i < mine.size(); ++i)
      for (int d = 0; d < 3; ++d) {
        const double ref_f = f_ref[mine[i]][d];
        const double scale = of_pair_sum ? f_abs[mine[i]][d] : std::abs(ref_f);
        EXPECT_NEAR(f(i, d), ref_f, tolerance * (1.0 + scale)) << "atom " << mine[i] << " component " << d;
        ++checked;
      }
    int all = 0;
    MPI_Allreduce(&checked, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(all, 3 * static_cast<int>(atoms.size()));
  }
}

// Two species A, B with per-species parameters, as a deck would give them.
Config two_species(InteractionKind kind) {
  Config cfg;
  cfg.interaction.kind = kind;
  cfg.species.names = {"A", "B"};
  cfg.species.mass = {1.0, 1.0};
  cfg.species.epsilon = {1.0, 0.5};
  cfg.species.sigma = {1.0, 0.88};
  cfg.species.amplitude = {3.0, 5.0};
  cfg.species.fraction = {0.5, 0.5};
  cfg.interaction.cutoff = 2.5;
  cfg.interaction.shift = true;
  return cfg;
}

}  // namespace

TEST(HaloForces, LennardJonesForcesEnergyAndVirialMatchAnAllPairsSum) {
  PairTable<LennardJones> table{};
  table.count = 2;
  table.set(0, 0, LennardJones::params(1.0, 1.0), 2.5, true);
  table.set(0, 1, LennardJones::params(1.5, 0.8), 2.0, true);
  table.set(1, 1, LennardJones::params(0.5, 0.88), 2.2, true);
  const auto force = make_pair_force(table);
  expect_all_pairs_sums(*force, [&](int ta, int tb, double r2, double& fpair, double& e) {
    if (r2 >= table.cutsq[ta][tb]) return false;
    const double r6 = 1.0 / (r2 * r2 * r2);
    fpair = r6 * (table.coeff[ta][tb].lj1 * r6 - table.coeff[ta][tb].lj2) / r2;
    e = r6 * (table.coeff[ta][tb].lj3 * r6 - table.coeff[ta][tb].lj4) - table.shift[ta][tb];
    return true;
  });
}

// One species: on CPUs with AVX-512 the cluster-pair kernel's vector form
// (kernels/SimdReal.hpp), in double and in mixed precision (single-precision
// pair arithmetic: energy, virial and forces to 3e-6, forces relative to the
// sum of the pair forces' magnitudes; measured up to 1.0e-6 with whole
// cluster pairs in float, 1.1e-6 with r^2 alone in float).
TEST(HaloForces, OneSpeciesLennardJonesInDoubleAndMixedPrecisionMatchesAnAllPairsSum) {
  PairTable<LennardJones> table{};
  table.count = 1;
  table.set(0, 0, LennardJones::params(1.2, 0.95), 2.5, true);
  const auto reference = [&](int, int, double r2, double& fpair, double& e) {
    if (r2 >= table.cutsq[0][0]) return false;
    const double r6 = 1.0 / (r2 * r2 * r2);
    fpair = r6 * (table.coeff[0][0].lj1 * r6 - table.coeff[0][0].lj2) / r2;
    e = r6 * (table.coeff[0][0].lj3 * r6 - table.coeff[0][0].lj4) - table.shift[0][0];
    return true;
  };
  {
    SCOPED_TRACE("double");
    expect_all_pairs_sums(*make_pair_force(table, PairPrecision::Double), reference);
  }
  {
    SCOPED_TRACE("mixed");
    expect_all_pairs_sums(*make_pair_force(table, PairPrecision::Mixed), reference, 3e-6, true);
  }
}

// 4 eps [(s/r)^12 - (s/r)^6] + eps below 2^(1/6) s, Lorentz-Berthelot mixed.
TEST(HaloForces, WcaForcesEnergyAndVirialMatchAnAllPairsSum) {
  const Config cfg = two_species(InteractionKind::Wca);
  expect_all_pairs_sums(*make_pair_force(cfg), [](int ta, int tb, double r2, double& fpair, double& e) {
    const double eps[2] = {1.0, 0.5}, sig[2] = {1.0, 0.88};
    const double epsilon = std::sqrt(eps[ta] * eps[tb]), sigma = 0.5 * (sig[ta] + sig[tb]);
    const double rc = std::pow(2.0, 1.0 / 6.0) * sigma;
    if (r2 >= rc * rc) return false;
    const double s6 = std::pow(sigma * sigma / r2, 3);
    e = 4.0 * epsilon * (s6 * s6 - s6) + epsilon;
    fpair = 24.0 * epsilon * (2.0 * s6 * s6 - s6) / r2;
    return true;
  });
}

// D0 [e^{-2a(r-r0)} - 2 e^{-a(r-r0)}], explicit per pair, shifted.
TEST(HaloForces, MorseForcesEnergyAndVirialMatchAnAllPairsSum) {
  Config cfg = two_species(InteractionKind::Morse);
  const double d0[2][2] = {{1.0, 1.5}, {1.5, 0.5}}, alpha[2][2] = {{3.0, 2.5}, {2.5, 2.0}};
  const double r0[2][2] = {{1.1, 1.0}, {1.0, 1.2}}, rc[2][2] = {{2.5, 2.0}, {2.0, 2.2}};
  for (int a = 0; a < 2; ++a)
    for (int b = a; b < 2; ++b) {
      PairCoefficients c;
      c.a = a;
      c.b = b;
      c.d0 = d0[a][b];
      c.alpha = alpha[a][b];
      c.r0 = r0[a][b];
      c.cutoff = rc[a][b];
      cfg.interaction.pairs.push_back(c);
    }
  expect_all_pairs_sums(*make_pair_force(cfg), [&](int ta, int tb, double r2, double& fpair, double& e) {
    if (r2 >= rc[ta][tb] * rc[ta][tb]) return false;
    const auto u = [&](double r) {
      const double x = std::exp(-alpha[ta][tb] * (r - r0[ta][tb]));
      return d0[ta][tb] * (x * x - 2.0 * x);
    };
    const double r = std::sqrt(r2), x = std::exp(-alpha[ta][tb] * (r - r0[ta][tb]));
    e = u(r) - u(rc[ta][tb]);
    fpair = 2.0 * alpha[ta][tb] * d0[ta][tb] * (x * x - x) / r;
    return true;
  });
}

// A e^{-kappa r} / r, A mixed geometrically, shifted.
TEST(HaloForces, YukawaForcesEnergyAndVirialMatchAnAllPairsSum) {
  Config cfg = two_species(InteractionKind::Yukawa);
  cfg.interaction.kappa = 1.5;
  expect_all_pairs_sums(*make_pair_force(cfg), [](int ta, int tb, double r2, double& fpair, double& e) {
    if (r2 >= 2.5 * 2.5) return false;
    const double amp[2] = {3.0, 5.0}, a = std::sqrt(amp[ta] * amp[tb]), kappa = 1.5;
    const double r = std::sqrt(r2);
    e = a * std::exp(-kappa * r) / r - a * std::exp(-kappa * 2.5) / 2.5;
    fpair = a * std::exp(-kappa * r) * (kappa + 1.0 / r) / r2;
    return true;
  });
}

// A [1 + cos(pi r / rc)], A mixed geometrically except an explicit A-B pair
// with its own cutoff, through the amplitude ramp at factor 0.3.
TEST(HaloForces, RampedSoftForcesEnergyAndVirialMatchAnAllPairsSum) {
  Config cfg = two_species(InteractionKind::Soft);
  cfg.interaction.cutoff = 1.2;
  PairCoefficients ab;
  ab.a = 0;
  ab.b = 1;
  ab.amplitude = 7.0;
  ab.cutoff = 1.0;
  cfg.interaction.pairs.push_back(ab);
  const auto force = make_pair_force(cfg);
  force->set_energy_scale(0.3);
  expect_all_pairs_sums(*force, [](int ta, int tb, double r2, double& fpair, double& e) {
    const double amp[2] = {3.0, 5.0};
    const double rc = ta != tb ? 1.0 : 1.2, a = 0.3 * (ta != tb ? 7.0 : std::sqrt(amp[ta] * amp[tb]));
    if (r2 >= rc * rc) return false;
    const double pi = 3.14159265358979323846, r = std::sqrt(r2);
    e = a * (1.0 + std::cos(pi * r / rc));
    fpair = a * pi / rc * std::sin(pi * r / rc) / r;
    return true;
  });
}
