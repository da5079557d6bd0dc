#pragma once
// The trajectory of a run: each frame's particles brought, in particle-id
// order, to the rank that writes their block (IdOrderExchange), wrapped into
// the box on periodic axes, and handed to the file (io/TrajectoryFile.hpp,
// which has the layout). This part holds the Kokkos views; the file is
// host-only.
#include <mpi.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/Box.hpp"
#include "decomposition/IdOrderExchange.hpp"
#include "io/TrajectoryFile.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class TrajectoryWriter {
 public:
  // Collective over `comm`. Creates `path`, replacing any file there. With
  // resume_step >= 0, opens the trajectory at `path` instead and drops every
  // frame and observable row whose step is > resume_step (and any frame a
  // killed run left half-written), so a run resumed from a checkpoint at
  // resume_step continues exactly where that checkpoint was; a missing file
  // then starts a new trajectory. Resuming requires the file to hold
  // `particle_count` particles and exactly the elements `options` chooses,
  // in this layout (box matrices, one observables row per frame); its
  // compression stays what it was.
  // Throws std::runtime_error naming the file, on every rank alike.
  TrajectoryWriter(MPI_Comm comm, const std::string& path, std::int64_t particle_count,
                   const std::array<double, 3>& box, const std::array<Boundary, 3>& boundary,
                   const TrajectoryOptions& options, std::int64_t resume_step = -1);
  TrajectoryWriter(const TrajectoryWriter&) = delete;
  TrajectoryWriter& operator=(const TrajectoryWriter&) = delete;
  // Closes the file (collectively), unless an exception is unwinding the
  // stack: then only this rank may be leaving, and a collective close would
  // wait forever; parallel HDF5 closes the file in MPI_Finalize instead.
  ~TrajectoryWriter();

  // Collective. Appends one frame: rows [0, p.size) of every rank, placed
  // by id, with the step, time and box, and one row of each observable.
  // `box` may change between frames. Positions on periodic axes are written
  // wrapped into [0, box) (and images shifted to match); `p` is not changed.
  // Flushes the file, so a run killed later leaves every frame written so
  // far readable. Observables must be the same on every rank (rank 0's are
  // written) and name the same series in every frame of the file; names
  // must not contain '/' or be "strata" (std::invalid_argument on every
  // rank otherwise, before anything is written). Throws std::runtime_error
  // on every rank if the ranks' ids are not 0..N-1, or if forces are to be
  // stored and the particles have none.
  void write_frame(const Particles& p, std::int64_t step, double time, const FrameObservables& observables = {});
  void write_frame(const Particles& p, std::int64_t step, double time, const std::array<double, 3>& box,
                   const FrameObservables& observables = {});

  // (step, time) of every frame in the file, kept frames of a resumed file
  // first: what write_xdmf() describes.
  const std::vector<std::pair<std::int64_t, double>>& frames() const;
  const TrajectoryOptions& options() const;
  const std::string& path() const;

  // Collective. Closes the file now; throws on failure. Idempotent.
  void close();

 private:
  TrajectoryFile file_;
  IdOrderExchange order_;
};

}  // namespace strata
