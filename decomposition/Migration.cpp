#include "decomposition/Migration.hpp"

#include "kernels/Capacity.hpp"

namespace strata {

namespace {

// Tags of the stages' exchanges: 100, 110, 120 (+0..5 each).
constexpr int kTagBase = 100;

struct PackLeaver {
  Particles q;
  Kokkos::View<int*, MemSpace> rows_lo, rows_hi;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, double* out) const {
    pack_particle(q, static_cast<std::size_t>(side == 0 ? rows_lo(k) : rows_hi(k)), out);
  }
};
struct AppendArrival {
  Particles q;
  std::size_t first_lo, first_hi;
  KOKKOS_INLINE_FUNCTION void operator()(const int side, const std::size_t k, const double* in) const {
    unpack_particle(q, (side == 0 ? first_lo : first_hi) + k, in);
  }
};

}  // namespace

Migration::Migration(MPI_Comm comm, const GridLayout& layout, bool gpu_aware)
    : comm_(comm), layout_(layout), gpu_aware_(gpu_aware) {
  MPI_Comm_rank(comm_, &rank_);
  set_layout(layout);
}

void Migration::set_layout(const GridLayout& layout) {
  layout_ = layout;
  owner_ = GridOwner(layout_);
  stages_.clear();
  for (int d : layout_.cut_axes())
    stages_.push_back(Stage{d, std::make_unique<NeighborExchange>(comm_, layout_.neighbor(rank_, d, -1),
                                                                  layout_.neighbor(rank_, d, +1),
                                                                  kTagBase + 10 * d, gpu_aware_)});
}

std::size_t Migration::count_leavers(const Particles& p, int axis, std::size_t from_row) const {
  const BoxGeometry g = layout_.geometry(rank_);
  const auto position = p.position;
  std::size_t n = 0;
  Kokkos::parallel_reduce(
      "Migration::count_leavers", Kokkos::RangePolicy<ExecSpace>(from_row, p.size),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& c) {
        if (axis < 0) {
          if (g.outside(position(i, 0), position(i, 1), position(i, 2))) ++c;
        } else {
          const double s = position(i, axis);
          if (s < g.lo[axis] || s >= g.hi[axis]) ++c;
        }
      },
      n);
  return n;
}

void Migration::exchange(Particles& p, std::int64_t known_leavers, CommStats& stats, const LeaverBlocks& where) {
  if (layout_.ranks() == 1) return;  // the only brick is the whole box: nobody can be outside it
  long long local = known_leavers >= 0 ? known_leavers : static_cast<long long>(count_leavers(p, -1));
  // The propagator's blocks locate this round's leavers: with one cut axis,
  // outside the brick is outside along that axis. Later rounds (multi-hop
  // arrivals) look among the arrivals.
  const LeaverBlocks* hint = known_leavers >= 0 && stages_.size() == 1 && where.covers(p.size) ? &where : nullptr;
  for (;;) {
    long long global = 0;
    const double t0 = MPI_Wtime();
    MPI_Allreduce(&local, &global, 1, MPI_LONG_LONG, MPI_SUM, comm_);
    stats.wait_seconds += MPI_Wtime() - t0;
    if (global == 0) break;
    // Every rank runs every stage (its neighbours wait for its counts);
    // with one cut axis every leaver leaves along it.
    std::size_t kept = 0;
    for (std::size_t k = 0; k < stages_.size(); ++k) {
      const std::size_t m = stages_.size() == 1 ? static_cast<std::size_t>(local)
                                                : count_leavers(p, stages_[k].axis);
      kept = stage(p, k, m, stats, hint);
    }
    hint = nullptr;
    stats.hops += 1;
    // With one cut axis the rows the stage kept lie inside the brick (the
    // other axes are whole), so only its arrivals, appended after them, can
    // be outside (a multi-hop move): counting those alone spares a pass
    // over every row. With several cut axes a later stage moves rows into
    // the holes below `kept`, so every row is counted.
    local = static_cast<long long>(count_leavers(p, -1, stages_.size() == 1 ? kept : 0));
  }
}

std::size_t Migration::stage(Particles& p, std::size_t which, std::size_t m, CommStats& stats,
                             const LeaverBlocks* where) {
  const BoxGeometry g = layout_.geometry(rank_);
  const int axis = stages_[which].axis;
  NeighborExchange& x = *stages_[which].exchange;
  const int P = layout_.dims()[axis];
  const int me = layout_.coords(rank_)[axis];
  const bool periodic = layout_.periodic(axis);
  const GridOwner owner = owner_;
  const std::size_t n = p.size;
  const std::size_t n_keep = n - m;
  const double lo = g.lo[axis], hi = g.hi[axis];

  // 1. Rows outside the brick along the axis, in increasing order (a scan
  //    keeps it deterministic); none to look for when m is 0.
  grow_discarding(leaver_rows_, m, "leaver_rows");
  const auto rows = leaver_rows_;
  const auto position = p.position;
  if (m > 0 && where != nullptr) {
    // Only the blocks with leavers are read: each block's first slot from a
    // scan of the counts, then its rows in order.
    const auto count = where->count;
    const std::size_t per = where->rows_per_block, blocks = count.extent(0);
    grow_discarding(block_first_, blocks, "migration_block_first");
    const auto first = block_first_;
    Kokkos::parallel_scan(
        "Migration::leaver_blocks", Kokkos::RangePolicy<ExecSpace>(0, blocks),
        KOKKOS_LAMBDA(const std::size_t b, std::size_t& offset, const bool final) {
          if (final) first(b) = offset;
          offset += static_cast<std::size_t>(count(b));
        });
    Kokkos::parallel_for(
        "Migration::find_leavers_in_blocks", Kokkos::RangePolicy<ExecSpace>(0, blocks),
        KOKKOS_LAMBDA(const std::size_t b) {
          if (count(b) == 0) return;
          std::size_t k = first(b);
          const std::size_t end = k + static_cast<std::size_t>(count(b));
          const std::size_t i1 = (b + 1) * per < n ? (b + 1) * per : n;
          for (std::size_t i = b * per; i < i1 && k < end; ++i) {
            const double s = position(i, axis);
            if (s < lo || s >= hi) rows(k++) = i;
          }
        });
  } else if (m > 0) {
    Kokkos::parallel_scan(
        "Migration::find_leavers", Kokkos::RangePolicy<ExecSpace>(0, n),
        KOKKOS_LAMBDA(const std::size_t i, std::size_t& offset, const bool final) {
          const double s = position(i, axis);
          if (s < lo || s >= hi) {
            if (final) rows(offset) = i;
            ++offset;
          }
        });
  }

  // 2. Each leaver goes toward its owner: lo or hi, the shorter way round
  //    on a periodic axis (ties go hi, which keeps going hi).
  grow_discarding(to_side_[0], m, "migration_to_lo");
  grow_discarding(to_side_[1], m, "migration_to_hi");
  const auto to_lo = to_side_[0], to_hi = to_side_[1];
  std::size_t n_lo = 0;
  Kokkos::parallel_scan(
      "Migration::sort_sides", Kokkos::RangePolicy<ExecSpace>(0, m),
      KOKKOS_LAMBDA(const std::size_t k, std::size_t& los_before, const bool final) {
        const std::size_t i = rows(k);
        const int c = owner.coord(axis, position(i, axis));
        const bool up = periodic ? ((c - me + P) % P) <= P / 2 : c > me;
        if (final) {
          if (up)
            to_hi(k - los_before) = static_cast<int>(i);
          else
            to_lo(los_before) = static_cast<int>(i);
        }
        if (!up) ++los_before;
      },
      n_lo);
  x.plan(n_lo, m - n_lo, stats);
  const Particles q = p;
  x.pack(kPacked, PackLeaver{q, to_lo, to_hi});

  // 3. Close the holes: the rows [n_keep, n) that stay fill the holes below n_keep.
  std::size_t holes = 0;
  Kokkos::parallel_reduce(
      "Migration::count_holes", Kokkos::RangePolicy<ExecSpace>(0, m),
      KOKKOS_LAMBDA(const std::size_t k, std::size_t& c) {
        if (rows(k) < n_keep) ++c;
      },
      holes);
  if (holes > 0) {
    Kokkos::View<int*, MemSpace> tail_leaves("tail_leaves", m);
    Kokkos::parallel_for(
        "Migration::mark_tail", Kokkos::RangePolicy<ExecSpace>(holes, m),
        KOKKOS_LAMBDA(const std::size_t k) { tail_leaves(rows(k) - n_keep) = 1; });
    Kokkos::View<std::size_t*, MemSpace> fillers(Kokkos::view_alloc(std::string("fillers"), Kokkos::WithoutInitializing),
                                                 holes);
    Kokkos::parallel_scan(
        "Migration::find_fillers", Kokkos::RangePolicy<ExecSpace>(0, m),
        KOKKOS_LAMBDA(const std::size_t j, std::size_t& offset, const bool final) {
          if (!tail_leaves(j)) {
            if (final) fillers(offset) = n_keep + j;
            ++offset;
          }
        });
    Kokkos::parallel_for(
        "Migration::fill_holes", Kokkos::RangePolicy<ExecSpace>(0, holes), KOKKOS_LAMBDA(const std::size_t k) {
          copy_particle(q, fillers(k), q, rows(k));
        });
  }
  p.size = n_keep;

  // 4. Arrivals are appended: from the lo side first, then from the hi side
  //    (a fixed order, so the layout in memory is reproducible).
  const std::size_t r_lo = x.received(NeighborExchange::Lo), r_hi = x.received(NeighborExchange::Hi);
  p.reserve(n_keep + r_lo + r_hi);
  x.move(kPacked, AppendArrival{p, n_keep, n_keep + r_lo}, stats, true);
  p.size = n_keep + r_lo + r_hi;
  Kokkos::fence();
  return n_keep;
}

}  // namespace strata
