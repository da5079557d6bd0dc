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

std::vector<double> shifted_planes(const std::vector<double>& planes, const std::vector<double>& slice_load,
                                   double min_width, double damping) {
  const int p = static_cast<int>(planes.size()) - 1;
  std::vector<double> out = planes;
  double total = 0.0;
  for (double l : slice_load) total += l;
  if (p < 2 || !(total > 0.0)) return out;
  const double L = planes[p];
  // Where the cumulative load reaches k/p of the total, slice by slice.
  int c = 0;
  double before = 0.0;  // load of the slices below c
  for (int k = 1; k < p; ++k) {
    const double target = total * k / p;
    while (c < p - 1 && before + slice_load[c] < target) before += slice_load[c++];
    const double width = planes[c + 1] - planes[c];
    const double f = slice_load[c] > 0.0 ? std::clamp((target - before) / slice_load[c], 0.0, 1.0) : 0.5;
    const double balanced = planes[c] + f * width;
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

GridLayout balanced_layout(MPI_Comm comm, const GridLayout& layout, double load, double min_width, double damping) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const GridDims& dims = layout.dims();
  const GridDims me = layout.coords(rank);
  // My load in my slice of every axis, summed over the ranks of each slice.
  std::vector<double> mine(dims[0] + dims[1] + dims[2], 0.0), slices(mine.size(), 0.0);
  for (int d = 0, offset = 0; d < 3; offset += dims[d], ++d) mine[offset + me[d]] = load;
  MPI_Allreduce(mine.data(), slices.data(), static_cast<int>(mine.size()), MPI_DOUBLE, MPI_SUM, comm);
  std::vector<double> flat;
  if (rank == 0)
    for (int d = 0, offset = 0; d < 3; offset += dims[d], ++d) {
      const std::vector<double> slice(slices.begin() + offset, slices.begin() + offset + dims[d]);
      const std::vector<double> moved = shifted_planes(layout.planes(d), slice, min_width, damping);
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
