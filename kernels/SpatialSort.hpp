#pragma once
// Spatial sort of the owned rows (LAMMPS' atom_modify sort): at a list
// rebuild the rows are reordered by cell, cells numbered x fastest, so the
// neighbours the pair kernel gathers for one particle sit in a few runs of
// nearby rows instead of all over memory. Stable: the rows of a cell keep
// their order, so the order is a pure function of the positions and the
// previous order, and sorting rows that are already sorted changes nothing
// (an exact restart, which rebuilds from the rows as written, relies on it).
//
// The force rows serve as scratch (24 bytes a row, dead between a step's
// move and the force computation that follows every rebuild), so the sort
// costs 8 bytes a row of its own: the cell of each row and the permutation.
#include <Kokkos_Core.hpp>

#include "kernels/NeighborList.hpp"
#include "kernels/Particles.hpp"

namespace strata {

class SpatialSort {
 public:
  // Reorders rows [0, p.size) of every per-particle view of p by the cell of
  // their position in `box`, cells `cell` wide. p must have force rows for
  // its owned rows (runs with a pair potential have).
  void apply(Particles& p, const BinningBox& box, double cell);

  // Internal steps, public only because CUDA forbids device lambdas in
  // private member functions. order(): the permutation, by cell (CellBinning).
  void order(const Vec3View& position, std::size_t n, const BinningBox& box, double cell);
  template <class View>
  void permute(const View& field, std::size_t n, const View& scratch);

 private:
  Kokkos::View<int*, MemSpace> cell_, perm_, count_, offset_;
};

}  // namespace strata
