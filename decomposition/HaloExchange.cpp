#include "decomposition/HaloExchange.hpp"

#include "kernels/Capacity.hpp"

#include <stdexcept>
#include <string>

namespace strata {

namespace {

// Tags of the cut stages' exchanges: 300, 310, 320 (+0..5 each).
constexpr int kTagBase = 300;

// Rows in [begin, end) whose coordinate `axis` satisfies `pick`, in row order.
template <class Pick>
std::size_t select_rows(const Vec3View& position, std::size_t begin, std::size_t end, int axis,
                        Kokkos::View<int*, MemSpace>& rows, const char* label, Pick pick) {
  std::size_t count = 0;
  if (end <= begin) return 0;
  Kokkos::parallel_reduce(
      "HaloExchange::count", Kokkos::RangePolicy<ExecSpace>(begin, end),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& c) { c += pick(position(i, axis)) ? 1 : 0; }, count);
  grow_discarding(rows, count, label);
  const auto out = rows;
  Kokkos::parallel_scan(
      "HaloExchange::select", Kokkos::RangePolicy<ExecSpace>(begin, end),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& slot, const bool final) {
        if (pick(position(i, axis))) {
          if (final) out(slot) = static_cast<int>(i);
          ++slot;
        }
      });
  return count;
}

// Forward: the position of an exported row, shifted across the box edge,
// and at a rebuild its species.
struct PackPosition {
  Vec3View position;
  Kokkos::View<int*, MemSpace> species, rows_lo, rows_hi;
  int axis, per;
  double shift_lo, shift_hi;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, double* out) const {
    const int i = side == 0 ? rows_lo(k) : rows_hi(k);
    const double shift = side == 0 ? shift_lo : shift_hi;
    for (int d = 0; d < 3; ++d) out[d] = position(i, d) + (d == axis ? shift : 0.0);
    if (per == 4) out[3] = static_cast<double>(species(i));
  }
};
struct UnpackGhost {
  Vec3View position;
  Kokkos::View<int*, MemSpace> species;
  std::size_t first_lo, first_hi;
  int per;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, const double* in) const {
    const std::size_t row = (side == 0 ? first_lo : first_hi) + k;
    for (int d = 0; d < 3; ++d) position(row, d) = in[d];
    if (per == 4) species(row) = static_cast<int>(in[3]);
  }
};
// Reverse: the force collected on a ghost row goes back to the exported row.
struct PackGhostForce {
  Vec3View force;
  std::size_t first_lo, first_hi;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, double* out) const {
    const std::size_t row = (side == 0 ? first_lo : first_hi) + k;
    for (int d = 0; d < 3; ++d) out[d] = force(row, d);
  }
};
// A row appears once in each side's export list: no two k of one kernel add
// to the same row, so no atomics are needed.
struct AddForce {
  Vec3View force;
  Kokkos::View<int*, MemSpace> rows_lo, rows_hi;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, const double* in) const {
    const int i = side == 0 ? rows_lo(k) : rows_hi(k);
    for (int d = 0; d < 3; ++d) force(i, d) += in[d];
  }
};

}  // namespace

HaloExchange::HaloExchange(MPI_Comm comm, const GridLayout& layout, double width, bool gpu_aware, bool newton)
    : comm_(comm), layout_(layout), width_(width), gpu_aware_(gpu_aware) {
  MPI_Comm_rank(comm_, &rank_);
  const auto cut = layout_.cut_axes();
  for (int d : cut)
    for (int r = 0; r < layout_.ranks(); ++r)
      if (layout_.hi(r, d) - layout_.lo(r, d) < width_)
        throw std::invalid_argument("brick " + std::to_string(r) + " is thinner than the halo width along " +
                                    std::string(1, "xyz"[d]));
  newton_ = newton && !cut.empty();
  for (int d : cut) {
    CutStage s;
    s.axis = d;
    const int c = layout_.coords(rank_)[d], p = layout_.dims()[d];
    const double L = layout_.system().box[d];
    s.exchange = std::make_unique<NeighborExchange>(comm_, layout_.neighbor(rank_, d, -1), layout_.neighbor(rank_, d, +1),
                                                    kTagBase + 10 * static_cast<int>(cuts_.size()), gpu_aware_);
    s.shift[0] = c == 0 ? L : 0.0;       // crossing the box edge to the last brick
    s.shift[1] = c == p - 1 ? -L : 0.0;  // crossing it to the first
    cuts_.push_back(std::move(s));
  }
  // Periodic axes spanned whole. A one-rank run starts with its primary
  // (slab) axis, high face first: the order its images always had.
  std::vector<int> whole;
  if (cut.empty()) whole.push_back(layout_.primary_axis());
  for (int d = 0; d < 3; ++d)
    if (layout_.dims()[d] == 1 && !(cut.empty() && d == layout_.primary_axis())) whole.push_back(d);
  for (int d : whole)
    if (layout_.periodic(d)) {
      ImageStage s;
      s.axis = d;
      s.high_first = cut.empty() && d == layout_.primary_axis();
      images_.push_back(s);
    }
}

void HaloExchange::build(Particles& p, CommStats& stats) {
  p.ghosts = 0;
  for (auto& stage : cuts_) exchange(p, stage, true, stats);
  // Reaction rows so far: owned rows stand for themselves, and so do the
  // copies of other ranks' particles (a cut stage never brings back a
  // rank's own particle: it changes the grid coordinate).
  const std::size_t n = p.size + p.ghosts;
  if (newton_) p.reserve_force_rows(n);
  grow_discarding(reaction_, n, "reaction_rows");
  {
    const auto react = reaction_;
    Kokkos::parallel_for(
        "HaloExchange::reaction", Kokkos::RangePolicy<ExecSpace>(0, n),
        KOKKOS_LAMBDA(const std::size_t j) { react(j) = static_cast<int>(j); });
  }
  for (auto& stage : images_) add_images(p, stage, true);
}

void HaloExchange::update(Particles& p, CommStats& stats) {
  p.ghosts = 0;
  for (auto& stage : cuts_) exchange(p, stage, false, stats);
  for (auto& stage : images_) add_images(p, stage, false);
}

void HaloExchange::exchange(Particles& p, CutStage& stage, bool rebuild, CommStats& stats) {
  const int axis = stage.axis;
  const std::size_t n = p.size + p.ghosts;
  NeighborExchange& x = *stage.exchange;
  if (rebuild) {
    const double lo = layout_.lo(rank_, axis) + width_, hi = layout_.hi(rank_, axis) - width_;
    const std::size_t to_lo =
        x.peer(NeighborExchange::Lo) == MPI_PROC_NULL
            ? 0
            : select_rows(p.position, 0, n, axis, stage.rows[0], "halo_to_lo", KOKKOS_LAMBDA(double s) { return s < lo; });
    // Half shell: toward the high side only ghosts go (see the header).
    const std::size_t hi_begin = newton_ ? p.size : 0;
    const std::size_t to_hi =
        x.peer(NeighborExchange::Hi) == MPI_PROC_NULL
            ? 0
            : select_rows(p.position, hi_begin, n, axis, stage.rows[1], "halo_to_hi",
                          KOKKOS_LAMBDA(double s) { return s >= hi; });
    x.plan(to_lo, to_hi, stats);
  }
  // A rebuild also ships species (4 doubles per ghost); an update positions only.
  const int per = rebuild ? 4 : 3;
  x.pack(per, PackPosition{p.position, p.species, stage.rows[0], stage.rows[1], axis, per, stage.shift[0],
                           stage.shift[1]});
  stage.first = n;
  const std::size_t from_lo = x.received(NeighborExchange::Lo), from_hi = x.received(NeighborExchange::Hi);
  p.reserve_ghost_rows(n + from_lo + from_hi);
  // Ghosts from the lo side first, then from the hi side: a fixed order.
  x.move(per, UnpackGhost{p.position, p.species, n, n + from_lo, per}, stats);
  p.ghosts += from_lo + from_hi;
}

void HaloExchange::reverse_forces(Particles& p, CommStats& stats) {
  if (!newton_) return;  // no cut axis: every reaction is already on an owned row
  // Last stage first: what comes back to a forwarded ghost row travels on
  // when its own stage is reversed.
  for (auto it = cuts_.rbegin(); it != cuts_.rend(); ++it) {
    const std::size_t from_lo = it->exchange->received(NeighborExchange::Lo);
    it->exchange->reverse(3, PackGhostForce{p.force, it->first, it->first + from_lo},
                          AddForce{p.force, it->rows[0], it->rows[1]}, stats);
  }
}

void HaloExchange::add_images(Particles& p, ImageStage& images, bool rebuild) {
  const int axis = images.axis;
  const double L = layout_.system().box[axis];
  const double w = width_;
  const std::size_t n = p.size + p.ghosts;
  if (rebuild) {
    // Each source row near the low face gets an image at +L, near the high
    // face one at -L (with L >= 2w a row is never near both).
    Kokkos::View<int*, MemSpace> low, high;
    const std::size_t n_low =
        select_rows(p.position, 0, n, axis, low, "images_low", KOKKOS_LAMBDA(double s) { return s < w; });
    const std::size_t n_high =
        select_rows(p.position, 0, n, axis, high, "images_high", KOKKOS_LAMBDA(double s) { return s >= L - w; });
    images.count = n_low + n_high;
    grow_discarding(images.rows, images.count, "image_rows");
    grow_discarding(images.shift, images.count, "image_shift");
    const auto rows = images.rows;
    const auto shift = images.shift;
    const std::size_t n_first = images.high_first ? n_high : n_low;
    const bool high_first = images.high_first;
    Kokkos::parallel_for(
        "HaloExchange::image_list", Kokkos::RangePolicy<ExecSpace>(0, images.count),
        KOKKOS_LAMBDA(const std::size_t k) {
          const bool first = k < n_first;
          const bool is_low = first != high_first;
          const std::size_t j = first ? k : k - n_first;
          rows(k) = is_low ? low(j) : high(j);
          shift(k) = is_low ? L : -L;
        });
  }
  p.reserve_ghost_rows(n + images.count);
  if (rebuild) {
    // An image stands for whatever its source stands for.
    grow_keeping(reaction_, n + images.count);
    const auto react = reaction_;
    const auto src_rows = images.rows;
    Kokkos::parallel_for(
        "HaloExchange::image_reaction", Kokkos::RangePolicy<ExecSpace>(0, images.count),
        KOKKOS_LAMBDA(const std::size_t k) { react(n + k) = react(src_rows(k)); });
  }
  const auto pos = p.position;
  const auto spc = p.species;
  const auto rows = images.rows;
  const auto shift = images.shift;
  const bool copy_species = rebuild;
  Kokkos::parallel_for(
      "HaloExchange::images", Kokkos::RangePolicy<ExecSpace>(0, images.count), KOKKOS_LAMBDA(const std::size_t k) {
        const int src = rows(k);
        const std::size_t dst = n + k;
        for (int d = 0; d < 3; ++d) pos(dst, d) = pos(src, d) + (d == axis ? shift(k) : 0.0);
        if (copy_species) spc(dst) = spc(src);
      });
  p.ghosts += images.count;
}

}  // namespace strata
