#pragma once
// What every HDF5 caller in io/ shares: an owning handle for an HDF5 id, a
// guard that keeps HDF5's own error stack off stderr, and the innermost HDF5
// error message for our exceptions.
#include <hdf5.h>

#include <fstream>
#include <string>
#include <utility>

namespace strata::h5 {

// Closes the id it owns with the closer it was given (H5Fclose, H5Dclose...).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      close();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closing can fail (a file's final flush); callers that care check this.
  herr_t close() { return id_ >= 0 ? close_(std::exchange(id_, -1)) : 0; }
  // Forget the id without closing it: a rank must not close a parallel file
  // alone (H5Fclose is collective) when the others have given up on it.
  void abandon() { id_ = -1; }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// We report HDF5 failures in our own exceptions, and probing for optional
// objects fails by design; HDF5's stack dump (on every rank) would only bury
// the message that matters.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// " (HDF5: <innermost message>)", or "" if HDF5 recorded nothing. The
// innermost error is where the cause (e.g. the MPI-IO error) is named.
// Clears the error stack.
inline std::string error_detail() {
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

// Opens `path` read-only for a reader any rank may run alone. Returns the
// file, or an empty handle with `problem` saying why (missing, not HDF5,
// damaged), for the caller to report against its own expectations.
inline Handle open_for_reading(const std::string& path, std::string& problem) {
  if (!std::ifstream(path)) {
    problem = "cannot open the file (missing or unreadable)";
    return Handle();
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    problem = "not an HDF5 file";
    return Handle();
  }
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Ranks read concurrently, sometimes on file systems without locks.
  H5Pset_file_locking(fapl.get(), 1, 1);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file) problem = "HDF5 cannot open it: truncated or damaged" + error_detail();
  return file;
}

}  // namespace strata::h5
