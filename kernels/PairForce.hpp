#pragma once
// The driver's handle on the pair interaction, whatever the potential: a
// host-side object (virtual calls on the host only) that owns the species
// pair table and launches the one templated kernel of PairPotential.hpp.
#include <memory>

#include "kernels/PairPotential.hpp"

namespace strata {

class PairForce {
 public:
  virtual ~PairForce() = default;
  // Forces (overwriting p.force of owned rows and reaction ghost rows) and,
  // when `with_sums`, the pair energy and virial of this rank.
  virtual PairSums compute(const Particles& p, const NeighborList& list, bool with_sums) const = 0;
  // The largest pair cutoff: with the skin, the halo width and list range.
  virtual double max_cutoff() const = 0;
  // Whether a cluster-pair list pays for this interaction in this build
  // (cluster_kernel_vectorized, PairPotential.hpp).
  virtual bool wants_cluster_list() const = 0;
  // Whether that list should keep its slots as floats only (mixed
  // precision where the cluster kernel runs in float).
  virtual bool wants_float_clusters() const = 0;
  // Every pair energy and force times `factor` (relative to the table the
  // object was made with) until the next call: the amplitude ramp.
  virtual void set_energy_scale(double factor) = 0;
};

template <class Potential>
class PairForceOf final : public PairForce {
 public:
  PairForceOf(const PairTable<Potential>& table, PairPrecision precision)
      : given_(table), table_(table), precision_(precision) {}

  PairSums compute(const Particles& p, const NeighborList& list, bool with_sums) const override {
    return compute_pair_forces(p, list, table_, with_sums, precision_);
  }
  double max_cutoff() const override { return table_.max_cutoff; }
  bool wants_cluster_list() const override { return cluster_kernel_vectorized(given_); }
  bool wants_float_clusters() const override {
    return precision_ == PairPrecision::Mixed && cluster_kernel_in_floats(given_);
  }
  void set_energy_scale(double factor) override {
    if (factor == scale_) return;
    scale_ = factor;
    table_ = factor == 1.0 ? given_ : given_.scaled(factor);
  }
  const PairTable<Potential>& table() const { return table_; }

 private:
  PairTable<Potential> given_;  // as made from the deck
  PairTable<Potential> table_;  // what the kernel uses: given_ times the energy scale
  double scale_ = 1.0;
  PairPrecision precision_;
};

template <class Potential>
std::unique_ptr<PairForce> make_pair_force(const PairTable<Potential>& table,
                                           PairPrecision precision = PairPrecision::Double) {
  return std::make_unique<PairForceOf<Potential>>(table, precision);
}

}  // namespace strata
