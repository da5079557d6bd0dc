#pragma once
// Dynamic load balancing by plane shifting (HOOMD-blue's load balancer,
// LAMMPS' `fix balance ... shift`): the grid stays a grid, and along each
// cut axis the planes move so that the slices between them carry equal load.
//
// Each rank brings its load (particles, or measured seconds); the loads are
// summed per slice of every cut axis (one MPI_Allreduce of px + py + pz
// numbers). Within a slice the load is taken as spread evenly, so the
// cumulative load along the axis is piecewise linear; the balanced plane k
// is where it reaches k/p of the total. Each plane moves `damping` of the way
// there, then the planes are pushed apart so no brick is thinner than
// `min_width` (the halo: cutoff + skin). Rank 0 computes the planes and
// broadcasts them, so every rank holds bitwise the same layout.
#include <mpi.h>

#include "decomposition/GridLayout.hpp"

namespace strata {

// Collective: max over ranks of `load` divided by its mean (1 when all are
// equal or all are zero).
double load_imbalance(MPI_Comm comm, double load);

// Collective: the layout with its planes moved toward equal load per slice.
// Axes with one rank keep their planes.
GridLayout balanced_layout(MPI_Comm comm, const GridLayout& layout, double load, double min_width, double damping);

// The planes of one axis moved toward equal load: `planes` (p + 1 values,
// 0 ... L) with `slice_load[c]` between planes c and c + 1. Pure function,
// exposed for the unit tests.
std::vector<double> shifted_planes(const std::vector<double>& planes, const std::vector<double>& slice_load,
                                   double min_width, double damping);

}  // namespace strata
