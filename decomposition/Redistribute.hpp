#pragma once
// Redistribution: hand every particle to the rank whose slab holds it,
// wherever it is now, in one MPI_Alltoallv. For start-up only (a checkpoint
// read on another number of ranks or with other slab bounds, where any
// particle may be on any rank); the step loop uses Migration, which talks to
// the two neighbours only.
#include <mpi.h>

#include "decomposition/SlabLayout.hpp"
#include "kernels/Particles.hpp"

namespace strata {

// Collective over comm; layout.ranks() must equal comm's size. Owners follow
// SlabLayout::owner on the layout's axis. Rows that stay keep their order
// and come first; arrivals follow by source rank, each in its source's row
// order, so the result is reproducible. Afterwards p has at least
// startup_capacity(p.size) rows. When no particle on any rank has to move,
// p's views are kept as they are (unless they lack that room).
void redistribute(MPI_Comm comm, Particles& p, const SlabLayout& layout);

}  // namespace strata
