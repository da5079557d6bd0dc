#pragma once
// Grow-only storage: views that hold a count that changes from step to step
// (ghosts, migrants, neighbour entries, messages) are reallocated only when
// the count outgrows them, and then with room to spare, so a steady stream
// allocates nothing. One policy for every such view: n + n/8 + 64.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <string>

namespace strata {

constexpr std::size_t grown_capacity(std::size_t n) { return n + n / 8 + 64; }

// Room for n rows; the contents are not kept when it grows.
template <class View>
void grow_discarding(View& v, std::size_t n, const std::string& label) {
  if (v.extent(0) < n) v = View(Kokkos::view_alloc(label, Kokkos::WithoutInitializing), grown_capacity(n));
}

// Room for n rows, keeping the contents.
template <class View>
void grow_keeping(View& v, std::size_t n) {
  if (v.extent(0) < n) Kokkos::resize(v, grown_capacity(n));
}

}  // namespace strata
