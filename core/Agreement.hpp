#pragma once
// Agreeing on an error: a check that may fail on some ranks only must not
// leave the others waiting in a later collective. Every rank passes its own
// message ("" when it has none); every rank gets the message of the lowest
// rank that had one, so every rank goes on, or every rank reports the same
// error, together. Collective over comm.
#include <mpi.h>

#include <string>

namespace strata {

// The lowest failing rank's message, or "" when no rank failed; `from` (if
// given) gets that rank, or -1.
inline std::string first_error(MPI_Comm comm, const std::string& mine, int* from = nullptr) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int candidate = mine.empty() ? size : rank;
  int first = size;
  MPI_Allreduce(&candidate, &first, 1, MPI_INT, MPI_MIN, comm);
  if (from) *from = first == size ? -1 : first;
  if (first == size) return std::string();
  std::string message = mine;
  unsigned long length = message.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG, first, comm);
  message.resize(length);
  MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, first, comm);
  return message;
}

}  // namespace strata
