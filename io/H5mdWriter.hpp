#pragma once
// Parallel H5MD 1.1 output: every rank writes its own particles straight into
// one shared file (no gather to rank 0), so output scales with the ranks.
#include <mpi.h>

#include <array>
#include <cstdint>
#include <string>

#include "kernels/Particles.hpp"
#include "core/Box.hpp"

namespace strata {

// The same on every rank: it becomes file metadata, which parallel HDF5
// writes collectively.
struct H5mdFrameInfo {
  std::int64_t step = 0;
  double time = 0.0;
  std::array<double, 3> box{};
  std::array<Boundary, 3> boundary{Boundary::Periodic, Boundary::Periodic, Boundary::Periodic};
};

// Collective over `comm`: write rows [0, p.size) of every rank as one frame
// of an H5MD 1.1 file at `path` (replaced if it exists). Rank order gives the
// file order. The file is written as `path + ".tmp"` and renamed once
// complete, so `path` never names a half-written file.
// Throws std::runtime_error naming the file on failure, on every rank alike
// (the first failing rank's message), and removes the temporary file.
void write_h5md_frame(MPI_Comm comm, const std::string& path, const Particles& p, const H5mdFrameInfo& info,
                      const std::string& creator_version);

}  // namespace strata
