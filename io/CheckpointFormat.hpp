#pragma once
// io-internal: the layout of a Strata checkpoint (format version 1), shared
// by its writer and reader. Change kVersion when a reader of the old layout
// would misread the new one.
//
//   /h5md, /particles/all/{box,position,velocity,image,id,species}
//                                    the H5MD 1.1 frame write_h5md_frame writes
//   /particles/all/origin            float [1][N][3]: unwrapped start positions (for the MSD)
//   /strata                          attributes: format_version (int32), step, time,
//                                    particle_count, seed (uint64), slab_axis, ranks,
//                                    code_version, boundary[3] ("periodic" | "reflecting")
//   /strata/deck                     string [1]: the deck file's text
//   /strata/deck_overrides           string [1]: the run's --set arguments, one per line
//   /strata/deck_path                string [1]: the deck's path as the run was given it
//   /strata/grid                     i64 [3]: the writing run's rank grid (px, py, pz)
//   /strata/planes                   f64 [px + py + pz + 3]: its planes along x, then y, then z
//                                    (files of older Strata have /strata/slab_bounds, f64
//                                    [ranks + 1], the bounds of slabs along slab_axis, instead)
//   /strata/rank_counts              i64 [ranks]: rows each writing rank wrote, in rank order
//   /strata/integrator/name, value   string [K], f64 [K]
//   /strata/resume/{position,image,build_position}
//                                    f64, i32, f64 [1][N][3], runs under forces only: the
//                                    exact rows a restart on the same ranks continues from
//                                    (positions unwrapped since the last list build, their
//                                    images, and each row's position at that build)
//   /strata/integrity/path           string [D]: every other dataset of the file
//   /strata/integrity/shape          i64 [D][3]: its dimensions, -1 past its rank
//   /strata/integrity/checksum       u64 [D][ranks]: RowChecksum (io/RowChecksum.hpp) of the
//                                    rows each rank wrote; datasets rank 0 writes whole
//                                    have theirs in column 0 and zeros elsewhere
//
// The box comes from /particles/all/box/edges. The file uses the HDF5 1.8
// format, whose superblock and object headers (so every attribute) HDF5
// checksums itself; the integrity table covers the raw data.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>

namespace strata::checkpoint_format {

constexpr int kVersion = 1;
constexpr int kMaxDims = 3;
constexpr std::int64_t kMaxStep = 999999999999;  // 12 digits in the file name

// Per-particle datasets, which every rank writes a hyperslab of.
struct ParticleDataset {
  const char* path;
  int components;  // 3: [1][N][3]; 1: [1][N]
};
constexpr ParticleDataset kParticleDatasets[] = {
    {"/particles/all/position/value", 3}, {"/particles/all/velocity/value", 3}, {"/particles/all/origin/value", 3},
    {"/particles/all/image/value", 3},    {"/particles/all/id/value", 1},       {"/particles/all/species/value", 1},
};

// Per-row datasets of the exact resume state (optional), read like the
// particle datasets: each rank its rows, checksums verified as read.
constexpr ParticleDataset kResumeDatasets[] = {
    {"/strata/resume/position", 3}, {"/strata/resume/image", 3}, {"/strata/resume/build_position", 3}};

inline std::string file_name(std::int64_t step) {
  char name[40];
  std::snprintf(name, sizeof name, "checkpoint-%012lld.h5", static_cast<long long>(step));
  return name;
}

// "checkpoint-<12 digits>.h5", and nothing else, is a checkpoint's name.
inline bool parse_file_name(const std::string& name, std::int64_t& step) {
  const std::string head = "checkpoint-", tail = ".h5";
  if (name.size() != head.size() + 12 + tail.size() || name.compare(0, head.size(), head) != 0 ||
      name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
    return false;
  step = 0;
  for (std::size_t i = head.size(); i < head.size() + 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
    step = 10 * step + (name[i] - '0');
  }
  return true;
}

// Unique per writing job (`tag`: rank 0's host and process id), so two jobs
// never write to the same temporary file; never mistaken for a checkpoint.
inline std::string temp_name(std::int64_t step, const std::string& tag) { return file_name(step) + "." + tag + ".tmp"; }

inline bool is_temp_name(const std::string& name) {
  const std::string head = "checkpoint-", tail = ".tmp";
  return name.size() > head.size() + tail.size() && name.compare(0, head.size(), head) == 0 &&
         name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace strata::checkpoint_format
