#pragma once
// Particles whose every field is a function of the particle's id, so any
// rank can predict any particle after it was written, read or moved.
// Values are chosen to expose lossy paths: long mantissas, -0.0, subnormals,
// negative and large images.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/Particles.hpp"

namespace strata::testing {

inline double position_of(std::int64_t id, int c, const std::array<double, 3>& box) {
  return std::fmod(0.6180339887498949 * static_cast<double>(id + 1) * (c + 1.37), box[c]);
}
inline double velocity_of(std::int64_t id, int c) {
  if (id % 5 == 0 && c == 2) return -0.0;
  if (id % 7 == 0 && c == 1) return 4.9e-322;
  return std::sin(1.3 * static_cast<double>(id) + c) * 1e3 / 3.0;
}
inline float origin_of(std::int64_t id, int c) { return static_cast<float>(id) * 0.3f - 7.1f * static_cast<float>(c); }
inline int image_of(std::int64_t id, int c) { return static_cast<int>(id % 7) - 3 + 1000 * c; }
inline int species_of(std::int64_t id) { return static_cast<int>(id % 3); }

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// A host copy of rows [0, size), for comparing.
struct HostParticles {
  std::vector<std::array<double, 3>> position, velocity;
  std::vector<std::array<float, 3>> origin;
  std::vector<std::array<int, 3>> image;
  std::vector<std::int64_t> id;
  std::vector<int> species;
  std::size_t size() const { return id.size(); }
};

inline HostParticles to_host(const Particles& p) {
  auto h_pos = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.position);
  auto h_vel = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.velocity);
  auto h_org = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.origin);
  auto h_img = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.image);
  auto h_id = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.id);
  auto h_sp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.species);
  HostParticles h;
  for (std::size_t i = 0; i < p.size; ++i) {
    h.position.push_back({h_pos(i, 0), h_pos(i, 1), h_pos(i, 2)});
    h.velocity.push_back({h_vel(i, 0), h_vel(i, 1), h_vel(i, 2)});
    h.origin.push_back({h_org(i, 0), h_org(i, 1), h_org(i, 2)});
    h.image.push_back({h_img(i, 0), h_img(i, 1), h_img(i, 2)});
    h.id.push_back(h_id(i));
    h.species.push_back(h_sp(i));
  }
  return h;
}

// Particles with the given ids, in that row order; x(id) sets coordinate 0.
// Spare rows hold junk nothing may copy.
template <class X>
Particles make_particles(const std::vector<std::int64_t>& ids, const std::array<double, 3>& box, X&& x) {
  Particles p;
  p.allocate(ids.size() + 3);
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_vel = Kokkos::create_mirror_view(p.velocity);
  auto h_org = Kokkos::create_mirror_view(p.origin);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_sp = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < p.capacity(); ++i) {
    const bool live = i < ids.size();
    const std::int64_t id = live ? ids[i] : -999;
    for (int c = 0; c < 3; ++c) {
      h_pos(i, c) = live ? (c == 0 ? x(id) : position_of(id, c, box)) : -999.0;
      h_vel(i, c) = live ? velocity_of(id, c) : -999.0;
      h_org(i, c) = live ? origin_of(id, c) : -999.0f;
      h_img(i, c) = live ? image_of(id, c) : -999;
    }
    h_id(i) = id;
    h_sp(i) = live ? species_of(id) : -999;
  }
  Kokkos::deep_copy(p.position, h_pos);
  Kokkos::deep_copy(p.velocity, h_vel);
  Kokkos::deep_copy(p.origin, h_org);
  Kokkos::deep_copy(p.image, h_img);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_sp);
  p.size = ids.size();
  return p;
}

// Whether row k holds its particle (by id) bit for bit as made, with x
// coordinate `x`.
inline bool row_is_intact(const HostParticles& h, std::size_t k, const std::array<double, 3>& box, double x) {
  const std::int64_t id = h.id[k];
  bool ok = h.species[k] == species_of(id) && same_bits(h.position[k][0], x);
  for (int c = 0; c < 3; ++c) {
    ok = ok && same_bits(h.velocity[k][c], velocity_of(id, c)) && same_bits(h.origin[k][c], origin_of(id, c)) &&
         h.image[k][c] == image_of(id, c);
    if (c > 0) ok = ok && same_bits(h.position[k][c], position_of(id, c, box));
  }
  return ok;
}

inline int world_rank(MPI_Comm comm = MPI_COMM_WORLD) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
inline int world_size(MPI_Comm comm = MPI_COMM_WORLD) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}
inline bool all_ranks(bool ok, MPI_Comm comm = MPI_COMM_WORLD) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm);
  return all == 1;
}
// The first id of this rank when ranks hold `local` consecutive ids each.
inline std::int64_t first_id(std::size_t local, MPI_Comm comm = MPI_COMM_WORLD) {
  const std::int64_t n = static_cast<std::int64_t>(local);
  std::int64_t first = 0;
  MPI_Exscan(&n, &first, 1, MPI_INT64_T, MPI_SUM, comm);
  return world_rank(comm) == 0 ? 0 : first;
}
inline std::int64_t sum_over_ranks(std::int64_t v, MPI_Comm comm = MPI_COMM_WORLD) {
  std::int64_t s = 0;
  MPI_Allreduce(&v, &s, 1, MPI_INT64_T, MPI_SUM, comm);
  return s;
}

}  // namespace strata::testing
