#pragma once
// Test-only fault injection, so the test suite can prove that a failure on
// one rank ends the whole job promptly and that a kill at a bad moment loses
// nothing. Off unless the environment holds
//   STRATA_FAULT_INJECT="rank=R,step=S,kind=K[,at=A]"
// kind: throw  (a C++ exception, as from any failed call),
//       open   (opening a file that is not there, through HDF5),
//       segv   (a segmentation fault),
//       kill   (SIGKILL: the process vanishes, as when a node dies),
//       usr1   (SIGUSR1 to itself: a stop warning at exactly step S, so
//               the tests can stop a run at a chosen step),
//       hang   (the rank stops answering: the others wait for it in the
//               next collective);
// at:   step        (after step S completes; the default),
//       checkpoint  (inside the checkpoint write of step S, after the data
//                    went out and before the file is published).
// Users never need it; a malformed value is an error at start-up.
#include <cstdint>

namespace strata {

// Reads the environment (every rank); throws std::runtime_error if malformed.
void arm_fault_injection(int rank);
// Fires the fault if this rank, step and place match.
void fault_point(const char* at, std::int64_t step);

}  // namespace strata
