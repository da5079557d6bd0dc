#include "src/BlowUp.hpp"

#include <fmt/format.h>

#include <Kokkos_Core.hpp>
#include <cmath>

#include "core/Agreement.hpp"
#include "core/Failure.hpp"
#include "kernels/Health.hpp"

namespace strata {

namespace {

std::string vec(const double v[3]) { return fmt::format("({:.6g}, {:.6g}, {:.6g})", v[0], v[1], v[2]); }

// This rank's account of its first unhealthy particle, or "".
std::string local_report(MPI_Comm comm, const Particles& p, const Vec3View& build, double moved_limit) {
  const int row = first_unhealthy_row(p, build, moved_limit * moved_limit);
  if (row < 0) return std::string();
  const auto r = static_cast<std::size_t>(row);
  const std::pair<std::size_t, std::size_t> one(r, r + 1);
  double x[3], v[3], f[3] = {0, 0, 0}, b[3] = {0, 0, 0};
  auto copy = [&](const Vec3View& view, double out[3]) {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Kokkos::subview(view, one, Kokkos::ALL));
    for (int d = 0; d < 3; ++d) out[d] = h(0, d);
  };
  copy(p.position, x);
  copy(p.velocity, v);
  if (r < p.force.extent(0)) copy(p.force, f);
  if (r < build.extent(0)) copy(build, b);
  auto h_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Kokkos::subview(p.id, one));
  const long long id = static_cast<long long>(h_id(0));
  std::string why;
  if (!std::isfinite(x[0]) || !std::isfinite(x[1]) || !std::isfinite(x[2]))
    why = "has a non-finite position " + vec(x);
  else if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]))
    why = "has a non-finite velocity " + vec(v);
  else if (!std::isfinite(f[0]) || !std::isfinite(f[1]) || !std::isfinite(f[2]))
    why = "has a non-finite force " + vec(f);
  else
    why = fmt::format("moved {:.6g} sigma since the last neighbour-list build, more than the halo allows ({:.6g}), "
                      "under a force {}",
                      std::sqrt((x[0] - b[0]) * (x[0] - b[0]) + (x[1] - b[1]) * (x[1] - b[1]) +
                                (x[2] - b[2]) * (x[2] - b[2])),
                      moved_limit, vec(f));
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return fmt::format("particle {} on rank {} {}", id, rank, why);
}

}  // namespace

bool all_finite(std::initializer_list<double> values) {
  for (double v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

void stop_blown_up(MPI_Comm comm, std::int64_t step, const Particles& p, const Vec3View& build, double moved_limit,
                   const std::string& what) {
  const std::string particle = first_error(comm, local_report(comm, p, build, moved_limit));
  std::string found = particle;
  if (!what.empty()) found += (found.empty() ? "" : "; ") + what;
  if (found.empty()) found = "a particle moved farther than the halo allows";
  throw CollectiveFailure(fmt::format("the system blew up at step {}: {}; no final.h5 written (overlapping "
                                      "particles or too long a run.timestep?)",
                                      step, found));
}

}  // namespace strata
