#pragma once
// Box boundary conditions applied per axis after a particle moves.
// The box spans [0, L) on every axis.
#include <Kokkos_Core.hpp>

#include "kernels/Math.hpp"

namespace strata {

// Periodic: fold x into [0, L) and count the images crossed, so that
// x + image * L is the unwrapped position. Exact in the common case of one
// crossing (x - L or x + L); the floor() path handles flights over many boxes.
KOKKOS_INLINE_FUNCTION void wrap_periodic(double& x, int& image, double L) {
  if (x >= L) {
    if (x < 2.0 * L) {
      x -= L;
      image += 1;
    } else {
      const double k = math::floor(x / L);
      x -= k * L;
      image += static_cast<int>(k);
    }
  } else if (x < 0.0) {
    if (x >= -L) {
      x += L;
      image -= 1;
    } else {
      const double k = math::floor(x / L);
      x -= k * L;
      image += static_cast<int>(k);
    }
  }
  // Rounding can land exactly on L (x = -1e-17 + L): that is the image's 0.
  if (x >= L) {
    x -= L;
    image += 1;
  } else if (x < 0.0) {
    x += L;
    image -= 1;
  }
}

// Reflecting walls at 0 and L: mirror x back into [0, L]; the velocity
// component flips once per wall hit, so it flips iff the folded coordinate
// came from the mirrored half of the 2L period.
KOKKOS_INLINE_FUNCTION void reflect(double& x, double& v, double L) {
  if (x >= 0.0 && x <= L) return;
  const double two_L = 2.0 * L;
  double y = math::fmod(x, two_L);
  if (y < 0.0) y += two_L;
  if (y > L) {
    x = two_L - y;
    v = -v;
  } else {
    x = y;
  }
}

}  // namespace strata
