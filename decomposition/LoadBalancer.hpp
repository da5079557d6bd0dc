#pragma once
// Dynamic load balancing by plane shifting (HOOMD-blue's load balancer,
// LAMMPS' `fix balance ... shift`): the grid stays a grid, and along each
// cut axis the planes move so that the slices between them carry equal load.
//
// Each rank brings its load (particles, or measured seconds) and spreads it
// evenly over its particles; a histogram of that weight along every cut axis
// (kBins bins per axis, one MPI_Allreduce) gives the cumulative load along
// the axis (linear within a bin), and the balanced plane k is where it
// reaches k/p of the total (LAMMPS' `fix balance shift` also cuts at
// quantiles of a histogram). Each plane moves `damping` of the way there,
// then the planes are pushed apart so no brick is thinner than `min_width`
// (the halo: cutoff + skin). Rank 0 computes the planes and broadcasts them,
// so every rank holds bitwise the same layout. (Spreading each rank's load
// evenly over its whole brick instead moved planes far into a dense film on
// the strength of a sparse neighbour's excess: measured, 1.10 -> 1.32.)
#include <mpi.h>

#include <vector>

#include "decomposition/GridLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

// Collective: max over ranks of `load` divided by its mean (1 when all are
// equal or all are zero).
double load_imbalance(MPI_Comm comm, double load);

// Collective: the layout with its planes moved toward equal load per slice,
// from the owned particles of p (rows [0, p.size)) carrying `load` between
// them. Axes with one rank keep their planes.
GridLayout balanced_layout(MPI_Comm comm, const GridLayout& layout, const Particles& p, double load, double min_width,
                           double damping);

// The planes of one axis (p + 1 values, 0 ... L) moved toward equal load,
// given the load in bins [edges[b], edges[b + 1]) (spread evenly within a
// bin). Pure function, exposed for the unit tests.
std::vector<double> shifted_planes(const std::vector<double>& planes, const std::vector<double>& edges,
                                   const std::vector<double>& bin_load, double min_width, double damping);

// Histogram bins per axis.
constexpr int kBalanceBins = 1024;

}  // namespace strata
