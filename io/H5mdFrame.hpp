#pragma once
// io-internal: one H5MD 1.1 frame written into an open parallel file, for
// the writers built on it (write_h5md_frame, write_checkpoint).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/H5Collective.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5mdWriter.hpp"
#include "kernels/Particles.hpp"

namespace strata::h5 {

struct FrameOptions {
  bool origin = false;     // also /particles/all/origin, float [1][N][3]: the unwrapped start positions
  bool checksums = false;  // fill DatasetRecord::checksum (one more pass over the staged rows)
  // Also the exact state a run resumes from (io/Checkpoint.hpp, ResumeRows),
  // as [1][N][3] datasets in the group `resume_group`.
  const ResumeRows* resume = nullptr;
  hid_t resume_group = -1;
  std::string resume_path;  // that group's path, for the records
};

// Collective. Writes /h5md and /particles/all (box, position, velocity,
// image, id, species[, origin]) of one frame into `file`; rank order is file
// order, each rank writing its rows at an offset from an exclusive scan of
// the counts. Positions are written folded into [0, L) on periodic axes with
// the images shifted to match (the run may hold rows unwrapped since its last
// neighbour-list build); `p` is not changed. Returns one record per dataset,
// in a fixed order.
std::vector<DatasetRecord> write_frame(const WriteContext& ctx, hid_t file, const Particles& p,
                                       const H5mdFrameInfo& info, const std::string& creator_version,
                                       const FrameOptions& options);

}  // namespace strata::h5
