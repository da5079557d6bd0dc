#include "io/RunLog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace strata::runlog {

namespace {

struct State {
  int rank = 0;
  std::string path;              // log.txt, known on every rank once open
  std::FILE* file = nullptr;     // rank 0 only
  std::vector<std::string> early;  // said before open()
  std::vector<std::string> pending;  // this rank's warnings since the last gather
  bool bar_shown = false;
};

State& state() {
  static State s;
  return s;
}

void to_file(const std::string& line) {
  State& s = state();
  if (s.file) {
    std::fputs(line.c_str(), s.file);
    std::fputc('\n', s.file);
    std::fflush(s.file);  // a killed job keeps everything said so far
  } else {
    s.early.push_back(line);
  }
}

void clear_bar() {
  State& s = state();
  if (!s.bar_shown) return;
  std::fputs("\r\033[K", stdout);
  s.bar_shown = false;
}

}  // namespace

void open(MPI_Comm comm, const std::string& dir, bool append) {
  State& s = state();
  MPI_Comm_rank(comm, &s.rank);
  s.path = dir + "/log.txt";
  if (s.rank != 0) return;
  s.file = std::fopen(s.path.c_str(), append ? "a" : "w");
  if (!s.file) {
    std::fprintf(stderr, "strata: warning: cannot write %s; messages go to the terminal only\n", s.path.c_str());
    s.early.clear();
    return;
  }
  for (const auto& line : s.early) to_file(line);
  s.early.clear();
}

void close() {
  State& s = state();
  if (s.file) std::fclose(s.file);
  s.file = nullptr;
}

void say(const std::string& line) {
  if (state().rank != 0) return;
  clear_bar();
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  to_file(line);
}

void error(const std::string& line) {
  if (state().rank != 0) return;
  clear_bar();
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  to_file(line);
}

void warn(const std::string& message) {
  State& s = state();
  const std::string line = "strata: warning: rank " + std::to_string(s.rank) + ": " + message;
  if (s.rank == 0) clear_bar();
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  if (s.rank == 0)
    to_file(line);
  else
    s.pending.push_back(line);
}

void gather(MPI_Comm comm) {
  State& s = state();
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks == 1) return;
  std::string mine;
  for (const auto& line : s.pending) mine += line + "\n";
  s.pending.clear();
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(s.rank == 0 ? ranks : 0), offsets(lengths.size());
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm);
  std::string all;
  if (s.rank == 0) {
    int total = 0;
    for (int r = 0; r < ranks; ++r) {
      offsets[r] = total;
      total += lengths[r];
    }
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, comm);
  if (s.rank != 0 || all.empty()) return;
  std::size_t start = 0;
  for (std::size_t end = all.find('\n'); end != std::string::npos; start = end + 1, end = all.find('\n', start))
    to_file(all.substr(start, end - start));
}

void fatal_error(int rank, const std::string& message) {
  State& s = state();
  const std::string line = "strata: error: rank " + std::to_string(rank) + ": " + message + "\n";
  if (rank == 0) clear_bar();
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  if (s.file) std::fflush(s.file);
  if (s.path.empty()) return;
  // One write with O_APPEND: whole, after what rank 0 already wrote.
  const int fd = ::open(s.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const ssize_t written = ::write(fd, line.data(), line.size());
  (void)written;  // nothing more to do if even this fails
  ::close(fd);
}

bool stdout_is_terminal() {
  static const bool answer = [] {
    if (::isatty(STDOUT_FILENO) != 1) return false;
    if (!std::getenv("OMPI_COMM_WORLD_SIZE")) return true;
    // Open MPI hands rank 0 a pseudo-terminal even when mpirun's own stdout
    // is a batch log: ask about mpirun's (this process's parent's) stdout.
    const std::string fd = "/proc/" + std::to_string(::getppid()) + "/fd/1";
    char target[256] = {0};
    const ssize_t n = ::readlink(fd.c_str(), target, sizeof target - 1);
    if (n <= 0) return false;
    const std::string t(target, static_cast<std::size_t>(n));
    return t.rfind("/dev/pts/", 0) == 0 || t.rfind("/dev/tty", 0) == 0;
  }();
  return answer;
}

void progress_bar(const std::string& text) {
  State& s = state();
  if (s.rank != 0 || !stdout_is_terminal()) return;
  std::fputs("\r\033[K", stdout);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  s.bar_shown = true;
}

}  // namespace strata::runlog
