#pragma once
// Helpers for tests that run on every rank: one temporary directory shared
// by all ranks, and agreement of a local result across ranks.
#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace strata::test {

inline int comm_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

inline int comm_size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

// True on every rank iff `ok` on every rank.
inline bool all_ranks(bool ok) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

// Rank 0 creates it, every rank learns its name; removed on destruction.
class SharedTempDir {
 public:
  explicit SharedTempDir(const std::string& stem) {
    char buf[4096] = {0};
    if (comm_rank() == 0) {
      const std::string tmpl = (std::filesystem::temp_directory_path() / (stem + "_XXXXXX")).string();
      std::strncpy(buf, tmpl.c_str(), sizeof buf - 1);
      if (!mkdtemp(buf)) buf[0] = '\0';
    }
    MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, MPI_COMM_WORLD);
    dir_ = buf;
  }
  ~SharedTempDir() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (comm_rank() == 0 && !dir_.empty()) std::filesystem::remove_all(dir_);
  }
  SharedTempDir(const SharedTempDir&) = delete;
  SharedTempDir& operator=(const SharedTempDir&) = delete;

  bool ok() const { return !dir_.empty(); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

}  // namespace strata::test
