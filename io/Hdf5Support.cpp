#include "io/Hdf5Support.hpp"

namespace strata::hdf5 {

std::string error_detail() {
  // The innermost entry is where the cause (e.g. the MPI-IO error) is named.
  std::string inner;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e->desc) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &inner);
  H5Eclear2(H5E_DEFAULT);
  return inner.empty() ? std::string() : " (HDF5: " + inner + ")";
}

Collective::Collective(MPI_Comm comm, std::string prefix) : comm_(comm), prefix_(std::move(prefix)) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

void Collective::fail(const std::string& what) const { throw Failure(prefix_ + what + error_detail()); }

void Collective::agree(const std::string& local_error) const {
  int mine = local_error.empty() ? size_ : rank_;
  int first = size_;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm_);
  if (first == size_) return;
  std::string msg = local_error;
  unsigned long len = msg.size();
  MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG, first, comm_);
  msg.resize(len);
  MPI_Bcast(msg.data(), static_cast<int>(len), MPI_CHAR, first, comm_);
  throw Failure(msg);
}

}  // namespace strata::hdf5
