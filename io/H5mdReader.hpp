#pragma once
// Reading particles back from an H5MD file: Strata's own frames
// (write_h5md_frame) or any other H5MD writer's, such as LAMMPS `dump h5md`.
// Serial HDF5 calls only, so each rank may read on its own.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct H5mdInfo {
  std::int64_t count = 0;           // particles in the last frame
  std::array<double, 3> box{};      // edge lengths
};

struct H5mdSlabRead {
  std::vector<double> position;     // [n][3] row-major
  std::vector<double> velocity;     // [n][3], empty if the file has none
  std::vector<std::int64_t> id;     // from the file's id element, else the particle's row in the file
  std::vector<int> species;         // 0 where the file has none
  std::vector<int> image;           // [n][3], empty if the file has none
  std::array<double, 3> box{};
  std::int64_t total = 0;           // particles in the file
};

// The particle group read is the first (by name) group under /particles; of
// each time-dependent element the last frame is taken.
// Both throw InputError(path, 0, ...) if the file is missing, is not HDF5,
// lacks /particles/<group>/position/value or box/edges, or has inconsistent
// shapes.
H5mdInfo read_h5md_info(const std::string& path);

// The particles whose coordinate along `axis` lies in [lo, hi), read at most
// ~1M at a time. With `wrap`, that coordinate is first wrapped into [0, L)
// and, when the file has images, the image count is adjusted so the unwrapped
// position is unchanged.
H5mdSlabRead read_h5md_slab(const std::string& path, int axis, double lo, double hi, bool wrap);
// The particles inside the brick [lo, hi) on every axis, each axis d first
// wrapped into [0, L_d) when wrap[d] (images adjusted as above).
H5mdSlabRead read_h5md_brick(const std::string& path, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                             const std::array<bool, 3>& wrap);

}  // namespace strata
