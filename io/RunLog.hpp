#pragma once
// What a run tells its user, kept in <output>/log.txt as well as printed.
//
// Rank 0's messages go to stdout (errors to stderr) and to log.txt. A warning
// may come from any rank: it is printed to stderr at once, prefixed by the
// rank, and reaches rank 0's log.txt at the next gather() (every thermo step
// and at the end), because only rank 0 writes the file. A rank about to take
// the job down appends its error to log.txt itself (fatal_error()).
#include <mpi.h>

#include <string>

namespace strata::runlog {

// Rank 0 opens <dir>/log.txt (appending on a resumed run); every rank learns
// the path, for fatal_error(). Lines said before open() are kept and written
// when it opens.
void open(MPI_Comm comm, const std::string& dir, bool append);
void close();

// Rank 0 only (other ranks' calls are ignored): one line to stdout / stderr
// and to log.txt.
void say(const std::string& line);
void error(const std::string& line);

// Any rank: "strata: warning: rank R: ..." to stderr now, to log.txt at the
// next gather().
void warn(const std::string& message);
// Collective: rank 0 writes every rank's pending warnings to log.txt.
void gather(MPI_Comm comm);

// This rank is failing alone and will abort the job: the error goes to
// stderr and is appended to log.txt directly (one write, O_APPEND).
void fatal_error(int rank, const std::string& message);

// A progress bar on rank 0's terminal (nothing when stdout is not a TTY, and
// never in log.txt); the next say() clears it.
bool stdout_is_terminal();
void progress_bar(const std::string& text);

}  // namespace strata::runlog
