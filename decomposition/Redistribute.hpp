#pragma once
// Redistribution: hand every particle to the rank whose brick holds it,
// wherever it is now, in one MPI_Alltoallv. For start-up only (a checkpoint
// read on another number of ranks or with other planes, where any
// particle may be on any rank); the step loop uses Migration, which talks to
// its neighbours only.
#include <mpi.h>

#include "decomposition/GridLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

// Collective over comm; layout.ranks() must equal comm's size. Owners follow
// GridLayout::owner. Rows that stay keep their order
// and come first; arrivals follow by source rank, each in its source's row
// order, so the result is reproducible. Afterwards p has at least
// startup_capacity(p.size) rows. When no particle on any rank has to move,
// p's views are kept as they are (unless they lack that room).
void redistribute(MPI_Comm comm, Particles& p, const GridLayout& layout);

}  // namespace strata
