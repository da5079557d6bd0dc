#pragma once
// Distribution of the unit-variance noise xi of the stochastic dynamics:
// uniform (the default of LAMMPS' fix brownian and of HOOMD-blue's BD,
// several times cheaper to draw) or Gaussian.
namespace strata {

enum class Noise { Uniform, Gaussian };

}  // namespace strata
