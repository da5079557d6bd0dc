#include "decomposition/LoadBalancer.hpp"

#include <algorithm>

namespace strata {

double load_imbalance(MPI_Comm comm, double load) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  double sum = 0.0, most = 0.0;
  MPI_Allreduce(&load, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(&load, &most, 1, MPI_DOUBLE, MPI_MAX, comm);
  return sum > 0.0 ? most / (sum / ranks) : 1.0;
}

std::vector<double> shifted_planes(const std::vector<double>& planes, const std::vector<double>& edges,
                                   const std::vector<double>& bin_load, double min_width, double damping) {
  const int p = static_cast<int>(planes.size()) - 1;
  const int bins = static_cast<int>(bin_load.size());
  std::vector<double> out = planes;
  double total = 0.0;
  for (double l : bin_load) total += l;
  if (p < 2 || !(total > 0.0)) return out;
  const double L = planes[p];
  // Where the cumulative load reaches k/p of the total, bin by bin.
  int b = 0;
  double before = 0.0;  // load of the bins below b
  for (int k = 1; k < p; ++k) {
    const double target = total * k / p;
    while (b < bins - 1 && before + bin_load[b] < target) before += bin_load[b++];
    const double f = bin_load[b] > 0.0 ? std::clamp((target - before) / bin_load[b], 0.0, 1.0) : 0.5;
    const double balanced = edges[b] + f * (edges[b + 1] - edges[b]);
    out[k] = planes[k] + damping * (balanced - planes[k]);
  }
  // No brick thinner than min_width: plane k within [k w, L - (p - k) w],
  // then at least w above plane k - 1 (which keeps the upper bound).
  for (int k = 1; k < p; ++k) out[k] = std::clamp(out[k], k * min_width, L - (p - k) * min_width);
  for (int k = 1; k < p; ++k) out[k] = std::max(out[k], out[k - 1] + min_width);
  out[0] = 0.0;
  out[p] = L;
  return out;
}

std::vector<long long> axis_histograms(const Particles& p, const GridLayout& layout) {
  // Particles per bin along each axis (integers: the sums are exact and in
  // no particular order, so atomics are fine).
  Kokkos::View<long long*, MemSpace> counts("balance_histogram", 3 * kBalanceBins);
  const auto position = p.position;
  const double L0 = layout.system().box[0], L1 = layout.system().box[1], L2 = layout.system().box[2];
  Kokkos::parallel_for(
      "LoadBalancer::histogram", Kokkos::RangePolicy<ExecSpace>(0, p.size), KOKKOS_LAMBDA(const std::size_t i) {
        const double L[3] = {L0, L1, L2};
        for (int d = 0; d < 3; ++d) {
          int b = static_cast<int>(position(i, d) / L[d] * kBalanceBins);
          b = b < 0 ? 0 : (b >= kBalanceBins ? kBalanceBins - 1 : b);
          Kokkos::atomic_add(&counts(d * kBalanceBins + b), 1LL);
        }
      });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), counts);
  return std::vector<long long>(h.data(), h.data() + 3 * kBalanceBins);
}

GridLayout balanced_layout(MPI_Comm comm, const GridLayout& layout, const Particles& p, double load, double min_width,
                           double damping) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const GridDims& dims = layout.dims();
  // This rank's load spread evenly over its particles, binned per axis.
  const std::vector<long long> counts = axis_histograms(p, layout);
  const double per_particle = p.size > 0 ? load / static_cast<double>(p.size) : 0.0;
  std::vector<double> mine(counts.size()), bins(counts.size(), 0.0);
  for (std::size_t k = 0; k < counts.size(); ++k) mine[k] = static_cast<double>(counts[k]) * per_particle;
  MPI_Allreduce(mine.data(), bins.data(), static_cast<int>(mine.size()), MPI_DOUBLE, MPI_SUM, comm);
  std::vector<double> flat;
  if (rank == 0)
    for (int d = 0; d < 3; ++d) {
      const double L = layout.system().box[d];
      std::vector<double> edges(kBalanceBins + 1);
      for (int b = 0; b <= kBalanceBins; ++b) edges[b] = L * b / kBalanceBins;
      const std::vector<double> load_d(bins.begin() + d * kBalanceBins, bins.begin() + (d + 1) * kBalanceBins);
      const std::vector<double> moved = shifted_planes(layout.planes(d), edges, load_d, min_width, damping);
      flat.insert(flat.end(), moved.begin(), moved.end());
    }
  flat.resize(dims[0] + dims[1] + dims[2] + 3);
  MPI_Bcast(flat.data(), static_cast<int>(flat.size()), MPI_DOUBLE, 0, comm);
  GridPlanes planes;
  for (int d = 0, k = 0; d < 3; ++d)
    for (int c = 0; c <= dims[d]; ++c) planes[d].push_back(flat[k++]);
  return GridLayout(layout.system(), planes, layout.primary_axis());
}

}  // namespace strata
