#pragma once
// A blown-up system stops the run: the step loop notices non-finite or
// absurd values in reductions it makes anyway (the displacement check, the
// thermo sums) and then calls stop_blown_up(), which names the step, a rank
// and a particle on one line and throws CollectiveFailure on every rank
// (main: exit 1, status.json "failed"; checkpoints already written stay, no
// final.h5).
#include <mpi.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "kernels/Particles.hpp"

namespace strata {

// Collective. The lowest rank with an unhealthy particle (kernels/Health.hpp)
// names it; `what` adds what else the loop saw ("thermo: potential energy
// inf, ...", or "" when the particle says it all). Never returns.
[[noreturn]] void stop_blown_up(MPI_Comm comm, std::int64_t step, const Particles& p, const Vec3View& build,
                                double moved_limit, const std::string& what);

// True when every value is finite.
bool all_finite(std::initializer_list<double> values);

}  // namespace strata
