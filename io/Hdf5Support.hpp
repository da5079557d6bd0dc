#pragma once
// What a parallel HDF5 writer needs around the raw C API: handles that close
// themselves, HDF5's error stack kept quiet and summarised in one line, and
// agreement between ranks around collective calls, so that a failure on one
// rank becomes the same exception on every rank instead of a hang.
//
// (io/H5mdWriter.cpp predates this header and keeps private copies of the
// same ideas; new writers use this one.)
#include <hdf5.h>
#include <mpi.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace strata::hdf5 {

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
  bool valid() const { return id_ >= 0; }
  herr_t close() { return id_ >= 0 ? close_(std::exchange(id_, -1)) : 0; }
  // Forget the object without closing it: for a rank that must not enter a
  // collective close alone. Parallel HDF5 closes what is left open inside
  // MPI_Finalize, which every rank reaches together.
  void abandon() { id_ = -1; }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// HDF5 prints its whole error stack on every rank by default; we report the
// cause in our own exception instead.
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

// " (HDF5: <innermost message>)", or "" when the stack is empty; clears it.
std::string error_detail();

// Thrown on every rank alike, with a message that already names the file.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One writer's view of its communicator, and the rule that every rank leaves
// a collective section the same way.
class Collective {
 public:
  // `prefix` starts every message, e.g. "cannot write trajectory 'out.h5': ".
  Collective(MPI_Comm comm, std::string prefix);

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  const std::string& prefix() const { return prefix_; }

  // Local: throws Failure(prefix + what + HDF5's reason).
  [[noreturn]] void fail(const std::string& what) const;
  // Local: fail(what) if `result` (an hid_t or herr_t) is negative.
  template <class T>
  T check(T result, const std::string& what) const {
    if (result < 0) fail(what);
    return result;
  }

  // Collective: if any rank passes a message, every rank throws the lowest
  // such rank's message, so rank 0 reports the real cause and none waits.
  void agree(const std::string& local_error) const;

  // Runs local work that may fail on this rank alone; returns its message
  // (empty on success) for agree().
  template <class F>
  std::string attempt(F&& f) const {
    try {
      f();
      return {};
    } catch (const Failure& e) {
      return e.what();
    } catch (const std::exception& e) {
      return prefix_ + e.what() + " on rank " + std::to_string(rank_);
    } catch (...) {
      return prefix_ + "unknown error on rank " + std::to_string(rank_);
    }
  }

  // Collective: local work, then agreement on its outcome.
  template <class F>
  void together(F&& f) const {
    agree(attempt(std::forward<F>(f)));
  }

  // Collective: after a collective HDF5 call every rank made, agree on its
  // result. A rank whose call failed supplies the message.
  template <class T>
  T collective(T result, const std::string& what) const {
    agree(result < 0 ? attempt([&] { fail(what); }) : std::string());
    return result;
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  std::string prefix_;
};

}  // namespace strata::hdf5
