#include "src/ThermoRow.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/Failure.hpp"
#include "kernels/Observables.hpp"

namespace strata {

const std::vector<std::string>& ThermoRow::columns() {
  static const std::vector<std::string> c = {"step",           "time",     "particles", "temperature",
                                             "kinetic_energy", "potential_energy",      "total_energy",
                                             "pressure",       "msd",      "imbalance"};
  return c;
}

std::vector<double> ThermoRow::values() const {
  return {static_cast<double>(step), time, particles, temperature, kinetic_energy, potential_energy,
          total_energy, pressure, msd, imbalance};
}

FrameObservables ThermoRow::observables() const {
  FrameObservables o;
  const std::vector<double> v = values();
  const auto& c = columns();
  for (std::size_t k = 3; k < c.size(); ++k) o.values.emplace_back(c[k], v[k]);
  o.particles_per_rank = rank_particles;
  return o;
}

std::string ThermoRow::summary() const {
  return fmt::format("T {:<9.5g} KE {:<10.6g} PE {:<10.6g} E {:<11.7g} P {:<9.5g} MSD {:.4g}", temperature,
                     kinetic_energy, potential_energy, total_energy, pressure, msd);
}

std::vector<std::int64_t> checked_particle_counts(MPI_Comm comm, std::int64_t step, const Particles& p,
                                                  std::int64_t expected) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const std::int64_t mine = static_cast<std::int64_t>(p.size);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(ranks));
  MPI_Allgather(&mine, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm);
  std::int64_t total = 0;
  for (std::int64_t n : counts) total += n;
  if (total != expected) {
    std::string per_rank;
    for (int r = 0; r < ranks; ++r)
      per_rank += fmt::format("{}rank {}: {}", r ? ", " : "", r, counts[static_cast<std::size_t>(r)]);
    throw CollectiveFailure(fmt::format("particle count changed at step {}: expected {}, found {} ({})", step,
                                        expected, total, per_rank));
  }
  return counts;
}

ThermoRow measure_thermo(MPI_Comm comm, std::int64_t step, double time, const Particles& p, const MassTable& masses,
                         const SystemBox& box, const PairSums& pairs, const PairSums& tail,
                         std::int64_t expected) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  ThermoRow row;
  row.step = step;
  row.time = time;
  row.rank_particles = checked_particle_counts(comm, step, p, expected);
  const std::int64_t most = *std::max_element(row.rank_particles.begin(), row.rank_particles.end());
  const double L[3] = {box.box[0], box.box[1], box.box[2]};
  const LocalObservables local = local_observables(p, masses, L);
  double sums[4] = {local.kinetic, local.square_disp, pairs.energy, pairs.virial}, global[4] = {};
  MPI_Allreduce(sums, global, 4, MPI_DOUBLE, MPI_SUM, comm);
  global[2] += tail.energy;
  global[3] += tail.virial;
  const double N = static_cast<double>(expected);
  const double dof = N > 1 ? 3.0 * N - 3.0 : 3.0;  // momentum is conserved: 3 fewer
  row.particles = N;
  row.temperature = 2.0 * global[0] / dof;
  row.kinetic_energy = global[0] / N;
  row.potential_energy = global[2] / N;
  row.total_energy = row.kinetic_energy + row.potential_energy;
  row.pressure = (2.0 * global[0] + global[3]) / (3.0 * box.volume());
  row.msd = global[1] / N;
  row.imbalance = static_cast<double>(most) / (N / ranks);
  return row;
}

}  // namespace strata
