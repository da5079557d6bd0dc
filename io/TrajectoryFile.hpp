#pragma once
// The trajectory file: an H5MD 1.1 time series of the particles, written
// collectively with parallel HDF5 while the run goes on, plus an XDMF
// sidecar so ParaView and VisIt can open it. Host-only (no Kokkos): it takes
// each rank's block of rows in host memory; TrajectoryWriter.hpp brings the
// particles there.
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

// The file itself. A frame is written in three collective steps:
// begin_frame(), then write_rows() of every element for each block of rows
// this rank holds (rows in particle-id order), then end_frame().
class TrajectoryFile {
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
  TrajectoryFile(MPI_Comm comm, const std::string& path, std::int64_t particle_count,
                 const std::array<double, 3>& box, const std::array<Boundary, 3>& boundary,
                 const TrajectoryOptions& options, std::int64_t resume_step = -1);
  TrajectoryFile(const TrajectoryFile&) = delete;
  TrajectoryFile& operator=(const TrajectoryFile&) = delete;
  // Closes the file (collectively), unless an exception is unwinding the
  // stack: then only this rank may be leaving, and a collective close would
  // wait forever; parallel HDF5 closes the file in MPI_Finalize instead.
  ~TrajectoryFile();

  // A stored particle element, in the order write_rows() indexes them:
  // position (double [3]) first, then velocity (double [3]), image (int
  // [3]), id (int64), species (int), force (double [3]) as chosen.
  struct Element {
    std::string name;
    int components;
  };
  std::vector<Element> elements() const;

  // Collective. Opens the next frame; `step`, `time` and `observables` become
  // rank 0's, and the observables are checked (std::invalid_argument on
  // every rank, before anything is written) to name the same series as
  // every frame before.
  void begin_frame(std::int64_t& step, double& time, FrameObservables& observables);
  // Collective. Rows [first, first + rows) of element `element`, values in
  // the element's type, row-major.
  void write_rows(std::size_t element, std::int64_t first, std::int64_t rows, const void* values);
  // Collective. The observables row, the box (a diagonal matrix), then the
  // frame's step and time, last, so a frame killed half-way has no clock and
  // a resume drops it; flushes the file.
  void end_frame(std::int64_t step, double time, const std::array<double, 3>& box,
                 const FrameObservables& observables);

  // Collective: throws h5::WriteFailure on every rank when `problem` is not
  // empty on some rank (named after the file).
  void agree(const std::string& problem) const;
  // Throws h5::WriteFailure named after the file; call it on every rank alike.
  [[noreturn]] void fail_together(const std::string& what) const;

  const std::vector<std::pair<std::int64_t, double>>& frames() const;
  const TrajectoryOptions& options() const;
  const std::string& path() const;
  const std::array<double, 3>& box() const;
  const std::array<Boundary, 3>& boundary() const;

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
