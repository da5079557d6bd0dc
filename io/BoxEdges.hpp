#pragma once
// io-internal: a box's edges as H5MD stores them. H5MD allows the D edge
// lengths of a cuboid box or a D x D matrix whose rows are the edge vectors;
// Strata writes the matrix in trajectories (the form MDAnalysis reads) and
// the lengths in final.h5 and checkpoints, and reads either, since files
// from other tools use either.
#include <array>
#include <string>
#include <vector>

namespace strata::h5 {

// The three edge lengths from 3 lengths or a row-major 3 x 3 matrix. Returns
// "" on success, else why the values are not a cuboid box (a matrix with
// off-diagonal entries is triclinic, which Strata does not simulate).
inline std::string cuboid_edges(const std::vector<double>& values, std::array<double, 3>& box) {
  if (values.size() == 3) {
    box = {values[0], values[1], values[2]};
    return {};
  }
  if (values.size() != 9) return "neither 3 edge lengths nor a 3 x 3 matrix";
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (r != c && values[3 * r + c] != 0.0)
        return "a triclinic box (off-diagonal edge " + std::to_string(values[3 * r + c]) +
               "); Strata simulates cuboid boxes";
  box = {values[0], values[4], values[8]};
  return {};
}

}  // namespace strata::h5
