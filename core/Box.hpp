#pragma once
// The simulation box, the vocabulary every layer shares.
// Units: reduced units throughout (length sigma, time tau, energy epsilon,
// mass m; k_B = 1). The box spans [0, L) on every axis.
#include <array>

namespace strata {

// Periodic: a particle leaving at L re-enters at 0 (image counts keep the
// unwrapped position). Reflecting: a hard wall at 0 and at L.
enum class Boundary { Periodic, Reflecting };

struct SystemBox {
  std::array<double, 3> box{};  // edge lengths
  std::array<Boundary, 3> boundary{Boundary::Periodic, Boundary::Periodic, Boundary::Periodic};

  double volume() const { return box[0] * box[1] * box[2]; }
  bool periodic(int axis) const { return boundary[axis] == Boundary::Periodic; }
};

}  // namespace strata
