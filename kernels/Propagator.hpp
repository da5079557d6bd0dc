#pragma once
// The seam between the driver and the per-particle dynamics: a propagator
// advances the rank's particles by one step and reports how many left the
// slab. To add one: write its step functor in Propagators.hpp, a class here,
// and a case in make_propagator() in src/Simulation.cpp (see ARCHITECTURE.md).
#include <cmath>
#include <cstdint>
#include <memory>

#include "kernels/Particles.hpp"
#include "kernels/Propagators.hpp"
#include "core/Noise.hpp"

namespace strata {

class Propagator {
 public:
  virtual ~Propagator() = default;
  // Advance rows [0, p.size) from step-1 to `step`; returns the number of
  // particles now outside [geom.slab_lo, geom.slab_hi).
  virtual std::size_t advance(Particles& p, const BoxGeometry& geom, std::int64_t step) = 0;
  virtual const char* name() const = 0;
};

class BallisticPropagator final : public Propagator {
 public:
  explicit BallisticPropagator(double dt) : dt_(dt) {}
  std::size_t advance(Particles& p, const BoxGeometry& geom, std::int64_t) override {
    std::size_t leavers = 0;
    Kokkos::parallel_reduce("BallisticStep", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            BallisticStep{p.position, p.velocity, p.image, geom, dt_}, leavers);
    return leavers;
  }
  const char* name() const override { return "ballistic"; }

 private:
  double dt_;
};

class BrownianPropagator final : public Propagator {
 public:
  BrownianPropagator(double diffusion, double dt, std::uint64_t seed, Noise noise)
      : amplitude_(std::sqrt(2.0 * diffusion * dt)), seed_(seed), noise_(noise) {}
  std::size_t advance(Particles& p, const BoxGeometry& geom, std::int64_t step) override {
    return noise_ == Noise::Gaussian ? run<true>(p, geom, step) : run<false>(p, geom, step);
  }
  const char* name() const override { return noise_ == Noise::Gaussian ? "brownian (gaussian noise)" : "brownian (uniform noise)"; }

 private:
  template <bool Gaussian>
  std::size_t run(Particles& p, const BoxGeometry& geom, std::int64_t step) {
    std::size_t leavers = 0;
    Kokkos::parallel_reduce("BrownianStep", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            BrownianStep<Gaussian>{p.position, p.velocity, p.image, p.id, geom, amplitude_, seed_,
                                                   static_cast<std::uint64_t>(step)},
                            leavers);
    return leavers;
  }

  double amplitude_;
  std::uint64_t seed_;
  Noise noise_;
};

}  // namespace strata
