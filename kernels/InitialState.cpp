#include "kernels/InitialState.hpp"

#include <cmath>

#include "kernels/Math.hpp"
#include "kernels/Random.hpp"

namespace strata {

namespace {

// Site coordinates for lattice site `id`: cells ordered x fastest, basis
// atoms innermost. Device-callable; fcc has 4 basis atoms, sc 1.
struct LatticeSite {
  int basis;
  std::int64_t cells;
  double a[3];  // cell edge per axis

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t id, double x[3]) const {
    const std::int64_t c = id / basis;
    const int b = static_cast<int>(id % basis);
    const std::int64_t i[3] = {c % cells, (c / cells) % cells, c / (cells * cells)};
    // fcc basis: (0,0,0) (1/2,1/2,0) (1/2,0,1/2) (0,1/2,1/2)
    const double off[4][3] = {{0.0, 0.0, 0.0}, {0.5, 0.5, 0.0}, {0.5, 0.0, 0.5}, {0.0, 0.5, 0.5}};
    for (int d = 0; d < 3; ++d) x[d] = (static_cast<double>(i[d]) + off[b][d]) * a[d];
  }
};

struct UniformSite {
  double L[3];
  std::uint64_t seed;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t id, double x[3]) const {
    const Philox4x32 w = random_words(seed, static_cast<std::uint64_t>(id), 0, RngStream::InitialPosition);
    for (int d = 0; d < 3; ++d) {
      x[d] = L[d] * uniform_open(w.v[d]);
      if (x[d] >= L[d]) x[d] = 0.0;  // rounding of L * (1 - 2^-33) can give L
    }
  }
};

template <class Site>
std::size_t count_sites(const GeneratedPlacement& g, const Site& site) {
  std::size_t n = 0;
  const double lo0 = g.lo[0], lo1 = g.lo[1], lo2 = g.lo[2], hi0 = g.hi[0], hi1 = g.hi[1], hi2 = g.hi[2];
  Kokkos::parallel_reduce(
      "InitialState::count", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(0, g.count),
      KOKKOS_LAMBDA(const std::int64_t id, std::size_t& c) {
        double x[3];
        site(id, x);
        if (x[0] >= lo0 && x[0] < hi0 && x[1] >= lo1 && x[1] < hi1 && x[2] >= lo2 && x[2] < hi2) ++c;
      },
      n);
  return n;
}

template <class Site>
void fill_sites(const GeneratedPlacement& g, const Site& site, Particles& p) {
  const double lo0 = g.lo[0], lo1 = g.lo[1], lo2 = g.lo[2], hi0 = g.hi[0], hi1 = g.hi[1], hi2 = g.hi[2];
  const auto position = p.position;
  const auto velocity = p.velocity;
  const auto origin = p.origin;
  const auto image = p.image;
  const auto ids = p.id;
  const auto species = p.species;
  std::size_t filled = 0;
  Kokkos::parallel_scan(
      "InitialState::fill", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(0, g.count),
      KOKKOS_LAMBDA(const std::int64_t id, std::size_t& row, const bool final) {
        double x[3];
        site(id, x);
        if (x[0] >= lo0 && x[0] < hi0 && x[1] >= lo1 && x[1] < hi1 && x[2] >= lo2 && x[2] < hi2) {
          if (final) {
            for (int d = 0; d < 3; ++d) {
              position(row, d) = x[d];
              velocity(row, d) = 0.0;
              origin(row, d) = static_cast<float>(x[d]);
              image(row, d) = 0;
            }
            ids(row) = id;
          }
          ++row;
        }
      },
      filled);
  // Species in a pass of its own: GCC 12 misreads the composition's array as
  // uninitialized when it is copied into the scan's closure.
  const Composition composition = g.composition;
  Kokkos::parallel_for(
      "InitialState::species", Kokkos::RangePolicy<ExecSpace>(0, filled),
      KOKKOS_LAMBDA(const std::size_t row) { species(row) = composition.species_of(ids(row)); });
}

template <class F>
auto with_site(const GeneratedPlacement& g, F&& f) {
  if (g.kind == Lattice::Uniform) {
    return f(UniformSite{{g.box[0], g.box[1], g.box[2]}, g.seed});
  }
  const int basis = g.kind == Lattice::Fcc ? 4 : 1;
  const std::int64_t cells = lattice_cells_per_axis(g.kind, g.count);
  LatticeSite site{basis, cells, {}};
  for (int d = 0; d < 3; ++d) site.a[d] = g.box[d] / static_cast<double>(cells);
  return f(site);
}

}  // namespace

std::int64_t lattice_cells_per_axis(Lattice kind, std::int64_t count) {
  if (kind == Lattice::Uniform) return 0;
  const std::int64_t basis = kind == Lattice::Fcc ? 4 : 1;
  auto sites = [basis](std::int64_t n) { return n * n * n * basis; };
  auto n = static_cast<std::int64_t>(std::cbrt(static_cast<double>(count) / static_cast<double>(basis)));
  while (sites(n) < count) ++n;
  while (n > 1 && sites(n - 1) >= count) --n;
  return std::max<std::int64_t>(n, 1);
}

std::size_t count_generated(const GeneratedPlacement& g) {
  return with_site(g, [&](const auto& site) { return count_sites(g, site); });
}

void fill_generated(const GeneratedPlacement& g, Particles& p) {
  with_site(g, [&](const auto& site) {
    fill_sites(g, site, p);
    return 0;
  });
}

void draw_thermal_velocities(Particles& p, std::uint64_t seed, double temperature, const MassTable& masses) {
  const auto velocity = p.velocity;
  const auto id = p.id;
  const auto species = p.species;
  Kokkos::parallel_for(
      "InitialState::thermal_velocities", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i) {
        double n[3];
        normal3(random_words(seed, static_cast<std::uint64_t>(id(i)), 0, RngStream::InitialVelocity), n[0], n[1],
                n[2]);
        const double sigma = math::sqrt(temperature * masses.inv_mass[species(i)]);
        for (int d = 0; d < 3; ++d) velocity(i, d) = sigma * n[d];
      });
}

namespace {
KOKKOS_INLINE_FUNCTION std::int64_t to_fixed(double v) {
  // Round half away from zero, without host-only std::llround.
  const double s = v * kVelocityFixedPoint;
  return static_cast<std::int64_t>(s >= 0.0 ? s + 0.5 : s - 0.5);
}
}  // namespace

std::array<std::int64_t, 4> momentum_fixed(const Particles& p, const MassTable& masses) {
  std::array<std::int64_t, 4> sum{};
  const auto velocity = p.velocity;
  const auto species = p.species;
  for (int d = 0; d < 3; ++d) {
    std::int64_t s = 0;
    Kokkos::parallel_reduce(
        "InitialState::momentum", Kokkos::RangePolicy<ExecSpace>(0, p.size),
        KOKKOS_LAMBDA(const std::size_t i, std::int64_t& acc) {
          acc += to_fixed(masses.mass[species(i)] * velocity(i, d));
        },
        s);
    sum[d] = s;
  }
  std::int64_t m = 0;
  Kokkos::parallel_reduce(
      "InitialState::mass", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i, std::int64_t& acc) { acc += to_fixed(masses.mass[species(i)]); }, m);
  sum[3] = m;
  return sum;
}

std::int64_t velocity_square_fixed(const Particles& p, const std::array<double, 3>& mean, const MassTable& masses) {
  const auto velocity = p.velocity;
  const auto species = p.species;
  const double m0 = mean[0], m1 = mean[1], m2 = mean[2];
  std::int64_t s = 0;
  Kokkos::parallel_reduce(
      "InitialState::velocity_square", Kokkos::RangePolicy<ExecSpace>(0, p.size),
      KOKKOS_LAMBDA(const std::size_t i, std::int64_t& acc) {
        const double a = velocity(i, 0) - m0, b = velocity(i, 1) - m1, c = velocity(i, 2) - m2;
        acc += to_fixed(masses.mass[species(i)] * (a * a + b * b + c * c));
      },
      s);
  return s;
}

void shift_scale_velocities(Particles& p, const std::array<double, 3>& mean, double scale,
                            const std::array<double, 3>& drift) {
  const auto velocity = p.velocity;
  const double m0 = mean[0], m1 = mean[1], m2 = mean[2];
  const double d0 = drift[0], d1 = drift[1], d2 = drift[2];
  Kokkos::parallel_for(
      "InitialState::shift_scale", Kokkos::RangePolicy<ExecSpace>(0, p.size), KOKKOS_LAMBDA(const std::size_t i) {
        velocity(i, 0) = (velocity(i, 0) - m0) * scale + d0;
        velocity(i, 1) = (velocity(i, 1) - m1) * scale + d1;
        velocity(i, 2) = (velocity(i, 2) - m2) * scale + d2;
      });
}

}  // namespace strata
