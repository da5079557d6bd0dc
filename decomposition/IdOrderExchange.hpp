#pragma once
// IdOrderExchange: copies of particle rows brought to the rank that writes
// them, so output can be stored in particle-id order (a particle keeps its
// row in every frame of a trajectory) as ONE contiguous block per rank.
//
// Why not let each rank write its own rows where their ids say? Slab
// decomposition scatters a rank's ids over the whole id range, and parallel
// HDF5 1.10 handles scattered selections badly. Measured on this machine,
// 1e6 positions from 2 ranks holding alternate ids: a point selection writes
// in 5.3 s, a hyperslab union of the id runs takes O(runs^2) just to build
// (10^4 runs 3.8 s, 5*10^4 runs 350 s), while one contiguous block per rank
// writes in 0.23 s. Collective MPI-IO would move the data between ranks
// anyway (two-phase I/O); doing that move here, once, with MPI_Alltoallv,
// leaves HDF5 the cheap case.
//
// The id space 0..N-1 is cut into windows of P*m ids (m = rows per rank per
// window, at most max_rows_per_rank so staging memory stays bounded); in
// window w rank r holds ids [w*P*m + r*m, w*P*m + (r+1)*m) clipped to N.
// With N <= P*max_rows_per_rank there is one window and the blocks are
// balanced.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "kernels/Particles.hpp"

namespace strata {

class IdOrderExchange {
 public:
  // `total` = N; ids are expected to be 0..N-1, each on exactly one rank.
  IdOrderExchange(MPI_Comm comm, std::int64_t total, std::int64_t max_rows_per_rank = std::int64_t(1) << 20);

  // Collective. Buckets rows [0, p.size) of p by window and destination and
  // swaps the counts. Throws std::runtime_error on every rank alike if an id
  // lies outside [0, N) or the ranks together do not hold N particles.
  // exchange() reads the fields of this same `p`.
  void plan(const Particles& p);

  int windows() const { return windows_; }
  std::int64_t block_begin(int window) const;  // first id this rank holds in `window`
  std::int64_t block_size(int window) const;   // how many ids (possibly 0)

  // Collective: this rank's block of `window` of one field of the planned
  // particles, row-major in id order: out[(id - block_begin) * C + c].
  // Throws std::runtime_error on every rank alike if the ids are not a
  // permutation of 0..N-1 (some id twice, another missing).
  void exchange(int window, const Vec3View& field, std::vector<double>& out);
  void exchange(int window, const IntVec3View& field, std::vector<int>& out);
  void exchange(int window, const IdView& field, std::vector<std::int64_t>& out);
  void exchange(int window, const IntView& field, std::vector<int>& out);

 private:
  template <class T, int C, class View>
  void send_rows(int window, const View& field, std::vector<T>& received);
  template <class T, int C, class View>
  void exchange_field(int window, const View& field, std::vector<T>& out);
  void place_window(int window);

  MPI_Comm comm_;
  int rank_ = 0;
  int ranks_ = 1;
  std::int64_t total_;
  std::int64_t rows_per_rank_ = 1;  // m
  int windows_ = 0;

  IdView ids_;                                  // the planned particles' ids
  Kokkos::View<std::size_t*, MemSpace> order_;  // local rows grouped by (window, destination)
  std::vector<std::int64_t> send_offsets_;      // into order_, per (window, destination), + end
  std::vector<std::int64_t> recv_counts_;       // rows from each source, per [source][window]
  int placed_window_ = -1;
  std::vector<std::int64_t> place_;             // received row k -> block row
};

}  // namespace strata
