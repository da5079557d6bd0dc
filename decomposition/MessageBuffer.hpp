#pragma once
// A device buffer that MPI sends from or receives into.
//
// With host staging (the default, and what every MPI library can do) MPI is
// handed a host mirror: send() copies the first n values device -> host
// first, arrived() copies what came in host -> device. With GPU-aware MPI
// (decomposition.gpu_aware_mpi, only when the library says it reads device
// memory: DeviceMpi.hpp) MPI is handed the device pointer itself. When the
// default memory space is host memory (Serial, OpenMP) the mirror is the
// buffer, so both modes are the same and nothing is copied.
//
// Grow-only: reserve() keeps the allocation when it is large enough, so a
// steady stream of messages allocates nothing.
#include <Kokkos_Core.hpp>
#include <string>
#include <utility>

#include "kernels/Capacity.hpp"
#include "kernels/Particles.hpp"

namespace strata {

template <class T>
class MessageBuffer {
 public:
  using DeviceView = Kokkos::View<T*, MemSpace>;

  explicit MessageBuffer(std::string label = "message") : label_(std::move(label)) {}

  // Room for n values; contents are not kept.
  void reserve(std::size_t n) {
    if (device_.extent(0) >= n) return;
    grow_discarding(device_, n, label_);
    host_ = Kokkos::create_mirror_view(device_);
  }
  const DeviceView& device() const { return device_; }

  // What MPI sends n values from, once kernels filled device()[0, n).
  T* send(std::size_t n, bool direct) {
    Kokkos::fence();
    if (direct) return device_.data();
    using Range = std::pair<std::size_t, std::size_t>;
    Kokkos::deep_copy(Kokkos::subview(host_, Range(0, n)), Kokkos::subview(device_, Range(0, n)));
    return host_.data();
  }
  // What MPI receives into; call arrived(n) once the receive completed.
  T* receive(bool direct) { return direct ? device_.data() : host_.data(); }
  void arrived(std::size_t n, bool direct) {
    if (direct) return;
    using Range = std::pair<std::size_t, std::size_t>;
    Kokkos::deep_copy(Kokkos::subview(device_, Range(0, n)), Kokkos::subview(host_, Range(0, n)));
  }

 private:
  std::string label_;
  DeviceView device_;
  typename DeviceView::HostMirror host_;
};

}  // namespace strata
