#pragma once
// Checkpoints: the full state of a run in one file, written durably and
// atomically, checked on reading, readable on any number of ranks.
//
// A checkpoint is an H5MD 1.1 frame (h5py, MDAnalysis and ParaView read it
// like final.h5) plus /particles/all/origin and a /strata group holding what
// a restart needs and a checksum of every dataset. The layout is in
// io/CheckpointFormat.hpp.
#include <mpi.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kernels/Particles.hpp"
#include "core/Box.hpp"

namespace strata {

// The exact state of a run under forces that a restart on the same ranks
// needs to continue bitwise (ARCHITECTURE.md, Restart): the rows as they are
// in memory (positions unwrapped since the last neighbour-list build, and
// their image counts), and each row's position at that build, from which
// the restart rebuilds the very ghosts and list the run was using. Free
// particles are always folded into the box and need none of it.
struct ResumeRows {
  Vec3View position;
  IntVec3View image;
  Vec3View build_position;
};

struct CheckpointMeta {
  std::int64_t step = 0;
  double time = 0;
  std::int64_t particle_count = 0;             // global N
  std::string deck_text;                       // the full deck file text
  std::string deck_path;                       // as the run was given it ("" in files of older Strata)
  std::vector<std::string> deck_overrides;     // the run's --set arguments, in order
  std::uint64_t seed = 0;
  int slab_axis = 0;                           // decomposition.axis of the run that wrote it
  std::array<int, 3> grid{1, 1, 1};            // its rank grid (ranks along x, y, z)
  std::vector<double> planes;                  // its planes: grid[0] + 1 along x, then y, then z
  int ranks = 0;                               // ranks that wrote it
  std::map<std::string, double> integrator;    // named scalars the integrator needs (e.g. "neighbor_builds"), may be empty
  std::string code_version;                    // STRATA_VERSION
  std::array<double, 3> box{};
  std::array<Boundary, 3> boundary{};
  std::vector<std::int64_t> rank_counts;       // rows each writing rank wrote, in rank order
};

// Collective. Writes <output_dir>/checkpoints/checkpoint-<step as 12 digits>.h5
// (the directories are created if missing) and returns that path.
//
// `meta` must be the same on every rank. write_checkpoint itself fills in
// particle_count, ranks and rank_counts from `p` and `comm` (the values in
// `meta` are ignored), and code_version when it is empty (STRATA_VERSION).
// grid must multiply to comm's size and planes hold grid[0] + grid[1] +
// grid[2] + 3 values, and 0 <= step < 10^12
// (std::invalid_argument otherwise).
//
// Durable and atomic: the file is written under a temporary name in the same
// directory, closed, fsync'ed, renamed, and the directory fsync'ed, so after
// a crash either the whole new checkpoint or none of it is there. Every rank
// writes its own rows (no gather of particle data). Then the oldest complete
// checkpoints beyond the newest `keep` are deleted (keep <= 0 keeps all);
// damaged files and other writers' temporary files are never deleted, nor is
// the file just written.
//
// Throws std::runtime_error naming the file, with the same message on every
// rank, if anything fails (unwritable directory, disk full...); earlier
// checkpoints are untouched then and no temporary file is left.
//
// `before_publish(step)`, if given, runs on every rank after the data went
// out and before the file is renamed into place: the hook through which the
// tests' fault injection kills a rank mid-write.
//
// `resume`, if given, is written too (/strata/resume), rows [0, p.size).
std::string write_checkpoint(MPI_Comm comm, const std::string& output_dir, const Particles& p,
                             const CheckpointMeta& meta, int keep,
                             const std::function<void(std::int64_t)>& before_publish = {},
                             const ResumeRows* resume = nullptr);

// Reads and checks the meta; serial HDF5, any rank may call it alone. Checks
// that the file opens, is a Strata checkpoint of a format version this build
// reads, holds every dataset with the recorded shape, agrees with itself
// (counts, bounds), and that the checksums of all datasets but the particle
// data match. Throws InputError(path, 0, what, expected) otherwise: missing,
// truncated or damaged file, not HDF5, plain H5MD without /strata, newer
// format.
CheckpointMeta read_checkpoint_meta(const std::string& path);

// Collective. This rank's share of the file's particles, with spare rows for
// migration. On as many ranks as wrote the file, rank r reads exactly the
// rows rank r wrote, in their order, so with the writing run's layout a
// restart continues bitwise. Otherwise each rank reads an even contiguous
// share of the file, and the caller routes the particles to their owners
// (decomposition/Redistribute.hpp; nothing moves when the layout is the
// writer's). Verifies the checksum of everything read, agreed over ranks;
// throws InputError naming the file and the damaged dataset, on every rank
// alike, for any mismatch or failed read, and for anything
// read_checkpoint_meta rejects.
Particles read_checkpoint_rows(MPI_Comm comm, const std::string& path);

// Collective, on as many ranks as wrote the file: this rank's rows of
// /strata/resume (same rows, same order as read_checkpoint_rows gives),
// verified like the particles. False (and `out` untouched) on every rank
// when the file has none (a run of free particles, or an older Strata).
bool read_checkpoint_resume(MPI_Comm comm, const std::string& path, ResumeRows& out);

// Rank-local (call it on one rank and broadcast the result); never throws.
// The newest checkpoint in <output_dir>/checkpoints, by step, that
// read_checkpoint_meta accepts (its particle checksums are verified when it
// is read), or "" if there is none or no such directory. Each skipped file
// newer than the one returned, and every temporary file, adds a line
// "strata: warning: skipping damaged checkpoint <path>: <why>" to `warnings`.
std::string find_latest_checkpoint(const std::string& output_dir, std::vector<std::string>& warnings);

}  // namespace strata
