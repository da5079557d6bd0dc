#pragma once
// Cluster-pair neighbour list for CPUs (GROMACS' nbnxm idea): particles go
// in clusters of kCluster spatial neighbours, and the list pairs clusters,
// not particles. The pair kernel then computes all kCluster x kCluster
// pairs of a listed cluster pair from contiguous loads, in SIMD lanes, with
// no gather of partners and no scatter of reactions per pair: a j cluster's
// reactions are summed across the lanes and added once per cluster pair.
// It computes more pairs than a particle list does (those of a listed
// cluster pair that lie beyond the cutoff, masked out), for far less work
// per pair.
//
// Clusters: the binning box is cut into columns along z, about kCluster
// particles' volume in cross-section; each column's owned rows, sorted by
// z (then row), are cut into clusters of kCluster, and so are its ghost
// rows, separately (owned clusters first, then ghost clusters). A cluster
// also ends where the next row lies more than two column widths above its
// first (a ghost column holds the halo below and above the brick). Short
// clusters are padded with slots that hold no row.
//
// Pairs: cluster J is listed for owned cluster I when some pair of their
// rows lies within `range` at the build (bounding boxes first, then the
// pairs). Each listed cluster pair carries a mask of the lane pairs the
// kernel computes (lane a * kCluster + b: row a of I with row b of J),
// which is how every particle pair is computed once, as in NeighborList's
// contract: owned J after I (all pairs), J = I (b after a), ghost J (its row
// j when r(j) is -1 or greater than I's row). Padding is masked out.
//
// Host memory only: used where the execution space is the host's
// (NeighborList chooses it); GPUs keep the particle list.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <utility>

#include "kernels/Particles.hpp"

namespace strata {

struct BinningBox;

class ClusterPairList {
 public:
  static constexpr int kCluster = 4;
  static constexpr int kLanes = kCluster * kCluster;
  using Ints = Kokkos::View<int*, MemSpace>;
  using Masks = Kokkos::View<std::uint16_t*, MemSpace>;
  using Slots = Kokkos::View<double*, MemSpace>;

  // Mixed precision's kernel reads the slots as hi/lo floats only
  // (mixed_coords); with this set the build writes them instead of the
  // doubles (coords() is then empty: 24 B per slot less) and searches in
  // the same floats, with a margin of 2e-6 of the range so that no pair
  // within range is missed (a pair a hair beyond it may be listed; the
  // kernel's cutoff decides). The driver sets it where the kernel runs
  // whole cluster pairs in float (PairForce::wants_float_clusters).
  void set_float_coordinates(bool on) { float_coordinates_ = on; }
  bool float_coordinates() const { return float_coordinates_; }

  // Reads positions of rows [0, n_total) (owned first) and r(j) of every
  // row (NeighborList's contract); lists cluster pairs within `range`.
  void build(const Vec3View& position, int n_owned, int n_total, const BinningBox& box, double range,
             const Ints& reaction);

  int owned_clusters() const { return n_owned_clusters_; }
  int clusters() const { return n_clusters_; }
  // Row of each slot (cluster c's slots are c * kCluster ..), -1 for padding.
  const Ints& slot_row() const { return slot_row_; }
  // Cluster pairs of owned cluster I: entries [offset(I), offset(I + 1)).
  const Ints& offsets() const { return offset_; }
  const Ints& j_clusters() const { return j_cluster_; }
  const Masks& masks() const { return mask_; }
  // Slot coordinates, a cluster's together (kStride doubles: its four x,
  // then four y, then four z; at(slot, axis) places one), so a cluster is
  // a cache line and a half: padding slots hold points far outside the box
  // set at the build; the kernel refreshes the others from the rows.
  static constexpr int kStride = 3 * kCluster;
  static constexpr int at(int slot, int axis) { return slot / kCluster * kStride + axis * kCluster + slot % kCluster; }
  const Slots& coords() const { return coords_; }
  // Mixed precision's copy of the slot coordinates (AVX-512 kernel), a
  // cluster's kMixedStride floats together: x, y, z each split in two
  // floats, hi = float(x) and lo = float(x - hi) (four hi x, four hi y, four
  // hi z, then the four lo of each), so that (hi_i - hi_j) + (lo_i - lo_j)
  // is the difference of the doubles to about a float ulp of the
  // difference itself, not of the coordinates: its error does not grow
  // with the box. The kernel fills it from the rows, grown on demand.
  static constexpr int kMixedStride = 6 * kCluster;
  using MixedSlots = Kokkos::View<float*, MemSpace>;
  MixedSlots mixed_coords() const {
    grow_discarding(mixed_, static_cast<std::size_t>(n_clusters_) * kMixedStride, "cluster_mixed_coords");
    return mixed_;
  }
  // Mixed precision's scratch (AVX-512 kernel): `parts` buffers of J's
  // reactions per lane, kReactionStride floats per cluster (16 lanes of x,
  // of y, of z), zero between kernel calls (the kernel clears what it
  // reads), grown on demand.
  static constexpr int kReactionStride = 3 * kLanes;
  MixedSlots reaction_lanes(int parts) const {
    const std::size_t n = static_cast<std::size_t>(n_clusters_) * kReactionStride * parts;
    if (lanes_.extent(0) < n) {
      lanes_ = MixedSlots();  // released first: never the old and the new at once
      grow_discarding(lanes_, n, "cluster_reaction_lanes");
      lanes_zeroed_ = 0;
    }
    // Zeroed as first used, so the capacity beyond stays untouched (out of
    // the resident memory) until a larger list needs it.
    if (lanes_zeroed_ < n) {
      Kokkos::deep_copy(Kokkos::subview(lanes_, std::make_pair(lanes_zeroed_, n)), 0.0f);
      lanes_zeroed_ = n;
    }
    return lanes_;
  }
  // Scratch of the kernel: `parts` buffers of the slots' forces, laid out
  // as the coordinates, grown on demand.
  Slots force_scratch(int parts) const {
    grow_discarding(force_, static_cast<std::size_t>(n_clusters_) * kStride * parts, "cluster_force");
    return force_;
  }
  // Particle pairs within range at the build, and the particle pairs the
  // masks let the kernel compute (the lanes it computes are kLanes times
  // the cluster pairs listed).
  long long pairs() const { return pairs_; }
  long long lane_pairs() const { return lane_pairs_; }

 private:
  int n_owned_clusters_ = 0, n_clusters_ = 0;
  Ints slot_row_, offset_, j_cluster_;
  Masks mask_;
  Slots coords_;
  mutable Slots force_;
  mutable MixedSlots mixed_, lanes_;
  mutable std::size_t lanes_zeroed_ = 0;
  long long pairs_ = 0, lane_pairs_ = 0;
  bool float_coordinates_ = false;
};

}  // namespace strata
