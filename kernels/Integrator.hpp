#pragma once
// The integrator seam: one interface for every dynamics, as LAMMPS' fix
// initial_integrate / final_integrate. The step loop (src/Simulation.cpp)
// calls initial_integrate() first, then (after migration, ghosts and forces)
// final_integrate(); it never asks which dynamics it runs.
//
//   ballistic           x += v dt                            (free)
//   brownian            x += sqrt(2 D dt) xi                 (free)
//   brownian + forces   x += (D / kT) f dt + sqrt(2 D dt) xi
//   verlet              v += dt/2 f/m; x += dt v | forces | v += dt/2 f/m
//   langevin            verlet, then v = c1 v + sqrt((1 - c1^2) kT/m) xi
//
// Free integrators fold positions into the box every step and count the rows
// that left the slab (migration needs nothing else). Integrators under forces
// leave positions unwrapped between neighbour-list builds (a ghost follows its
// owner by a fixed shift, so an owner must not jump by L) and report the
// largest displacement since the last build instead; the loop wraps and
// migrates when it rebuilds. The functors are in Propagators.hpp (free) and
// Integrators.hpp (under forces); the deck picks one in src/Dynamics.cpp.
//
// Adding a dynamics: its functors (each reads and writes only its own row;
// noise from random_words(seed, id, step, <a new RngStream>)), a class here,
// a case in make_integrator(), its deck keys (src/Deck.cpp, docs/deck.md),
// its physics test and a rank-independence case.
#include <cmath>
#include <cstdint>

#include "core/Noise.hpp"
#include "kernels/Integrators.hpp"
#include "kernels/LeaverBlocks.hpp"
#include "kernels/Particles.hpp"
#include "kernels/Propagators.hpp"
#include "kernels/Species.hpp"

namespace strata {

// What the first half of a step reports to the loop.
struct StepMotion {
  // Largest squared displacement of an owned row since the last list build.
  double max_moved_sq = 0.0;
  // >= 0: positions are already folded into the box and this many owned rows
  // now lie outside the slab. -1: positions are unwrapped (forces).
  std::int64_t leavers = -1;
  // With leavers >= 0, optionally where they are (kernels/LeaverBlocks.hpp).
  LeaverBlocks leaver_blocks;
};

class Integrator {
 public:
  virtual ~Integrator() = default;
  virtual const char* name() const = 0;
  // First half of step `step`: moves rows [0, p.size). `build` holds each
  // row's position at the last list build (read by integrators under forces).
  virtual StepMotion initial_integrate(Particles& p, const BoxGeometry& g, const Vec3View& build,
                                       std::int64_t step) = 0;
  // Second half, after this step's forces.
  virtual void final_integrate(Particles&, std::int64_t) {}
  // True when positions are folded into the box every step.
  virtual bool wraps() const { return false; }
};

class BallisticIntegrator final : public Integrator {
 public:
  explicit BallisticIntegrator(double dt) : dt_(dt) {}
  const char* name() const override { return "ballistic"; }
  bool wraps() const override { return true; }
  StepMotion initial_integrate(Particles& p, const BoxGeometry& g, const Vec3View&, std::int64_t) override {
    std::size_t leavers = 0;
    Kokkos::parallel_reduce("BallisticStep", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            BallisticStep{p.position, p.velocity, p.image, g, dt_}, leavers);
    return {0.0, static_cast<std::int64_t>(leavers), LeaverBlocks{}};
  }

 private:
  double dt_;
};

// Free Brownian particles.
class BrownianIntegrator final : public Integrator {
 public:
  BrownianIntegrator(double diffusion, double dt, std::uint64_t seed, Noise noise)
      : amplitude_(std::sqrt(2.0 * diffusion * dt)), seed_(seed), noise_(noise) {}
  const char* name() const override {
    return noise_ == Noise::Gaussian ? "brownian (gaussian noise)" : "brownian (uniform noise)";
  }
  bool wraps() const override { return true; }
  StepMotion initial_integrate(Particles& p, const BoxGeometry& g, const Vec3View&, std::int64_t step) override {
    const bool walls = !(g.periodic[0] && g.periodic[1] && g.periodic[2]);
    if (noise_ == Noise::Gaussian) return walls ? run<true, true>(p, g, step) : run<true, false>(p, g, step);
    return walls ? run<false, true>(p, g, step) : run<false, false>(p, g, step);
  }

 private:
  template <bool Gaussian, bool Walls>
  StepMotion run(Particles& p, const BoxGeometry& g, std::int64_t step) {
    std::size_t leavers = 0;
    if constexpr (!Gaussian && !Walls && Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible) {
      if (BrownianUniformPeriodicBlocks::applies(g, amplitude_)) {
        using Blocks = BrownianUniformPeriodicBlocks;
        const std::size_t blocks = Blocks::blocks(p.size);
        if (block_leavers_.extent(0) != blocks)
          block_leavers_ = Kokkos::View<int*, MemSpace>(
              Kokkos::view_alloc(std::string("block_leavers"), Kokkos::WithoutInitializing), blocks);
        Kokkos::parallel_reduce("BrownianStep::blocks", Kokkos::RangePolicy<ExecSpace>(0, blocks),
                                Blocks{p.position, p.image, p.id, block_leavers_, g, amplitude_, seed_,
                                       static_cast<std::uint64_t>(step), p.size},
                                leavers);
        return {0.0, static_cast<std::int64_t>(leavers), LeaverBlocks{block_leavers_, Blocks::kBlock}};
      }
    }
    Kokkos::parallel_reduce("BrownianStep", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            BrownianStep<Gaussian, Walls>{p.position, p.velocity, p.image, p.id, g, amplitude_, seed_,
                                                          static_cast<std::uint64_t>(step)},
                            leavers);
    return {0.0, static_cast<std::int64_t>(leavers), LeaverBlocks{}};
  }

  Kokkos::View<int*, MemSpace> block_leavers_;  // the blocks kernel's leavers per block
  double amplitude_;
  std::uint64_t seed_;
  Noise noise_;
};

// Overdamped Brownian dynamics under the forces of the previous step.
class BrownianDynamicsIntegrator final : public Integrator {
 public:
  BrownianDynamicsIntegrator(double diffusion, double temperature, double dt, std::uint64_t seed, Noise noise)
      : mobility_dt_(diffusion * dt / temperature), amplitude_(std::sqrt(2.0 * diffusion * dt)), seed_(seed),
        noise_(noise) {}
  const char* name() const override { return "brownian dynamics"; }
  StepMotion initial_integrate(Particles& p, const BoxGeometry& g, const Vec3View& build, std::int64_t step) override {
    return noise_ == Noise::Gaussian ? run<true>(p, g, build, step) : run<false>(p, g, build, step);
  }

 private:
  template <bool Gaussian>
  StepMotion run(Particles& p, const BoxGeometry& g, const Vec3View& build, std::int64_t step) {
    double max_sq = 0.0;
    Kokkos::parallel_reduce("BrownianForceStep", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            BrownianForceStep<Gaussian>{p.position, p.velocity, p.force, build, p.id, g, mobility_dt_,
                                                        amplitude_, seed_, static_cast<std::uint64_t>(step)},
                            Kokkos::Max<double>(max_sq));
    return {max_sq, -1, LeaverBlocks{}};
  }

  double mobility_dt_, amplitude_;
  std::uint64_t seed_;
  Noise noise_;
};

// Velocity Verlet (NVE).
class VelocityVerletIntegrator : public Integrator {
 public:
  VelocityVerletIntegrator(const MassTable& masses, double dt) : masses_(masses), dt_(dt) {}
  const char* name() const override { return "velocity verlet"; }
  StepMotion initial_integrate(Particles& p, const BoxGeometry& g, const Vec3View& build, std::int64_t) override {
    double max_sq = 0.0;
    Kokkos::parallel_reduce("KickDrift", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                            KickDrift{p.position, p.velocity, p.force, build, p.species, masses_, g, dt_},
                            Kokkos::Max<double>(max_sq));
    return {max_sq, -1, LeaverBlocks{}};
  }
  void final_integrate(Particles& p, std::int64_t) override {
    Kokkos::parallel_for("Kick", Kokkos::RangePolicy<ExecSpace>(0, p.size),
                         Kick{p.velocity, p.force, p.species, masses_, dt_});
  }

 protected:
  MassTable masses_;
  double dt_;
};

// Velocity Verlet, then an exact Ornstein-Uhlenbeck velocity update (NVT).
class LangevinIntegrator final : public VelocityVerletIntegrator {
 public:
  LangevinIntegrator(const MassTable& masses, double dt, double temperature, double damping, std::uint64_t seed,
                     Noise noise)
      : VelocityVerletIntegrator(masses, dt), temperature_(temperature), c1_(std::exp(-dt / damping)), seed_(seed),
        noise_(noise) {}
  const char* name() const override { return "langevin"; }
  void final_integrate(Particles& p, std::int64_t step) override {
    VelocityVerletIntegrator::final_integrate(p, step);
    const auto policy = Kokkos::RangePolicy<ExecSpace>(0, p.size);
    const auto s = static_cast<std::uint64_t>(step);
    if (noise_ == Noise::Gaussian)
      Kokkos::parallel_for("LangevinVelocity", policy,
                           LangevinVelocity<true>{p.velocity, p.species, p.id, masses_, temperature_, c1_, seed_, s});
    else
      Kokkos::parallel_for("LangevinVelocity", policy,
                           LangevinVelocity<false>{p.velocity, p.species, p.id, masses_, temperature_, c1_, seed_, s});
  }

 private:
  double temperature_, c1_;
  std::uint64_t seed_;
  Noise noise_;
};

}  // namespace strata
