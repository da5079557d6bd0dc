#pragma once
// The trajectory: an H5MD 1.1 time series of the particles, written
// collectively with parallel HDF5 while the run goes on, plus an XDMF
// sidecar so ParaView and VisIt can open it.
//
// File layout (N particles, F frames, P ranks):
//   /h5md                                   version 1.1, author, creator
//   /particles/all/box                      dimension = 3, boundary
//   /particles/all/box/edges/{step,time,value[F][3][3]}   diagonal matrices
//   /particles/all/position/{step[F],time[F],value[F][N][3] f64}
//   /particles/all/{velocity,image,id,species,force}/...   when chosen
//   /observables/<name>/{step[F],time[F],value[F] f64}
//   /observables/particles_per_rank/{step[F],time[F],value[F][P] i64}
// Row i of every frame is the particle with id i (ids are 0..N-1), so
// value[:, i] is one particle's history. All particle elements and the box
// share one step and one time dataset (hard links, as H5MD allows).
// Row k of every observable belongs to frame k: readers such as MDAnalysis
// attach /observables to frames by index, so observables are written with
// the frame and nowhere else. The box is a matrix per frame because that is
// the form every H5MD reader understands (MDAnalysis 2.4 reads no other).
// Positions are written wrapped into [0, L) on periodic axes, the image
// counts shifted to match (the run itself may hold unwrapped rows).
// Datasets are chunked (1 frame x up to 1 MiB) with an unlimited frame axis.
#include <mpi.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/Particles.hpp"
#include "core/Box.hpp"

namespace strata {

// What a frame records under /observables, one row per series per frame.
// Every frame of a file must name the same observables.
struct FrameObservables {
  std::vector<std::pair<std::string, double>> values;  // names: plain, not "strata"
  std::vector<std::int64_t> particles_per_rank;        // empty: not recorded
};

struct TrajectoryOptions {
  // Elements stored besides the position (force needs particles allocated
  // with forces, i.e. a run with an interaction).
  bool velocity = false, image = false, id = false, species = false, force = false;
  int deflate = 0;  // 0 = no compression, 1-9 = gzip level
  // Rows a rank stages per write (bounds host memory: 24 B per row for
  // positions); tests lower it to exercise several writes per frame.
  std::int64_t rows_per_write = std::int64_t(1) << 20;
};

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
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Not collective (call on one rank, e.g. rank 0, after each frame). Writes
// `xmf_path`, an XDMF 3 file describing the trajectory as a temporal
// collection of Polyvertex grids, one per frame, whose geometry is that
// frame's hyperslab of <h5_file_name>:/particles/all/position/value and
// whose attributes are the other stored elements. `h5_file_name` is written
// as given: pass a name relative to the .xmf so the pair can be moved.
// Written as `xmf_path + ".tmp"` and renamed, so readers never see half a
// file. Throws std::runtime_error on failure.
void write_xdmf(const std::string& xmf_path, const std::string& h5_file_name, std::int64_t particle_count,
                const std::vector<std::pair<std::int64_t, double>>& frames, const TrajectoryOptions& options);

}  // namespace strata
