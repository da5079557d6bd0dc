#include "decomposition/HaloExchange.hpp"

#include "kernels/Capacity.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace strata {

namespace {

constexpr int kTagCountLeftward = 301;
constexpr int kTagCountRightward = 302;
constexpr int kTagDataLeftward = 401;
constexpr int kTagDataRightward = 402;
constexpr int kTagForceRightward = 502;

// Rows in [0, n) whose coordinate `axis` satisfies `pick`, in row order.
template <class Pick>
std::size_t select_rows(const Vec3View& position, std::size_t n, int axis, Kokkos::View<int*, MemSpace>& rows,
                        const char* label, Pick pick) {
  std::size_t count = 0;
  Kokkos::parallel_reduce(
      "HaloExchange::count", Kokkos::RangePolicy<ExecSpace>(0, n),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& c) { c += pick(position(i, axis)) ? 1 : 0; }, count);
  grow_discarding(rows, count, label);
  const auto out = rows;
  Kokkos::parallel_scan(
      "HaloExchange::select", Kokkos::RangePolicy<ExecSpace>(0, n),
      KOKKOS_LAMBDA(const std::size_t i, std::size_t& slot, const bool final) {
        if (pick(position(i, axis))) {
          if (final) out(slot) = static_cast<int>(i);
          ++slot;
        }
      });
  return count;
}

}  // namespace

HaloExchange::HaloExchange(MPI_Comm comm, const SlabLayout& layout, double width, bool gpu_aware, bool newton)
    : comm_(comm), layout_(layout), width_(width), gpu_aware_(gpu_aware) {
  MPI_Comm_rank(comm_, &rank_);
  const int P = layout_.ranks();
  for (int r = 0; r < P; ++r)
    if (layout_.hi(r) - layout_.lo(r) < width_)
      throw std::invalid_argument("slab " + std::to_string(r) + " is thinner than the halo width");
  newton_ = newton && P >= 2;
  left_.peer = layout_.left_of(rank_);
  right_.peer = layout_.right_of(rank_);
  const double L = layout_.length();
  left_.shift = rank_ == 0 ? L : 0.0;        // crossing the box edge to the last slab
  right_.shift = rank_ == P - 1 ? -L : 0.0;  // crossing it to the first
}

void HaloExchange::build(Particles& p, CommStats& stats) {
  p.ghosts = 0;
  exchange_slab_axis(p, true, stats);
  // Reaction rows so far: owned rows stand for themselves; ghosts from the
  // slab axis are another rank's particles, except with a single rank,
  // where they are this rank's own periodic images: what arrives "from the
  // left" is what it exported to the right, row for row, and vice versa.
  const std::size_t n_owned = p.size;
  grow_discarding(reaction_, n_owned + p.ghosts, "reaction_rows");
  {
    const auto react = reaction_;
    const bool self = left_.peer == rank_;
    const std::size_t from_left = left_.received;
    const auto exported_right = right_.rows;
    const auto exported_left = left_.rows;
    Kokkos::parallel_for(
        "HaloExchange::reaction", Kokkos::RangePolicy<ExecSpace>(0, n_owned + p.ghosts),
        KOKKOS_LAMBDA(const std::size_t j) {
          if (j < n_owned || !self)
            react(j) = static_cast<int>(j);  // owned, or another rank's: the row collects its own reactions
          else if (j < n_owned + from_left)
            react(j) = exported_right(j - n_owned);
          else
            react(j) = exported_left(j - n_owned - from_left);
        });
  }
  for (int d = 0; d < 3; ++d)
    if (d != layout_.axis()) add_images(p, d, images_[d], true);
}

void HaloExchange::update(Particles& p, CommStats& stats) {
  p.ghosts = 0;
  exchange_slab_axis(p, false, stats);
  for (int d = 0; d < 3; ++d)
    if (d != layout_.axis()) add_images(p, d, images_[d], false);
}

void HaloExchange::exchange_slab_axis(Particles& p, bool rebuild, CommStats& stats) {
  const int axis = layout_.axis();
  const double lo = layout_.lo(rank_), hi = layout_.hi(rank_), w = width_;
  if (rebuild) {
    left_.count = left_.peer == MPI_PROC_NULL
                      ? 0
                      : select_rows(p.position, p.size, axis, left_.rows, "halo_left",
                                    KOKKOS_LAMBDA(double s) { return s < lo + w; });
    // With P >= 2 the low-side neighbour computes the pairs across our
    // shared face, so nothing goes rightward.
    right_.count = right_.peer == MPI_PROC_NULL || newton_
                       ? 0
                       : select_rows(p.position, p.size, axis, right_.rows, "halo_right",
                                     KOKKOS_LAMBDA(double s) { return s >= hi - w; });
  }
  // A rebuild also ships species (4 doubles per ghost); an update positions only.
  const int per = rebuild ? 4 : 3;
  send_left_.reserve(left_.count * per);
  send_right_.reserve(right_.count * per);
  const auto position = p.position;
  const auto species = p.species;
  auto pack = [&](const Face& face, const Kokkos::View<double*, MemSpace>& buf) {
    const auto rows = face.rows;
    const double shift = face.shift;
    Kokkos::parallel_for(
        "HaloExchange::pack", Kokkos::RangePolicy<ExecSpace>(0, face.count), KOKKOS_LAMBDA(const std::size_t k) {
          const int i = rows(k);
          for (int d = 0; d < 3; ++d) buf(k * per + d) = position(i, d) + (d == axis ? shift : 0.0);
          if (per == 4) buf(k * per + 3) = static_cast<double>(species(i));
        });
  };
  pack(left_, send_left_.device());
  pack(right_, send_right_.device());

  std::array<MPI_Request, 4> req;
  const double t0 = MPI_Wtime();
  if (rebuild) {
    long long sent[2] = {static_cast<long long>(left_.count), static_cast<long long>(right_.count)};
    long long got[2] = {0, 0};
    MPI_Irecv(&got[0], 1, MPI_LONG_LONG, left_.peer, kTagCountRightward, comm_, &req[0]);
    MPI_Irecv(&got[1], 1, MPI_LONG_LONG, right_.peer, kTagCountLeftward, comm_, &req[1]);
    MPI_Isend(&sent[0], 1, MPI_LONG_LONG, left_.peer, kTagCountLeftward, comm_, &req[2]);
    MPI_Isend(&sent[1], 1, MPI_LONG_LONG, right_.peer, kTagCountRightward, comm_, &req[3]);
    MPI_Waitall(4, req.data(), MPI_STATUSES_IGNORE);
    left_.received = static_cast<std::size_t>(got[0]);
    right_.received = static_cast<std::size_t>(got[1]);
    for (int peer : {left_.peer, right_.peer})
      if (peer != MPI_PROC_NULL) {
        stats.messages += 1;
        stats.bytes += sizeof(long long);
      }
  }
  recv_left_.reserve(left_.received * per);
  recv_right_.reserve(right_.received * per);
  int n = 0;
  auto post = [&](bool recv, double* buf, std::size_t count, int peer, int tag) {
    if (count == 0 || peer == MPI_PROC_NULL) return;
    const int len = static_cast<int>(count * per);
    if (recv) {
      MPI_Irecv(buf, len, MPI_DOUBLE, peer, tag, comm_, &req[n++]);
    } else {
      MPI_Isend(buf, len, MPI_DOUBLE, peer, tag, comm_, &req[n++]);
      stats.messages += 1;
      stats.bytes += count * per * sizeof(double);
    }
  };
  post(true, recv_left_.receive(gpu_aware_), left_.received, left_.peer, kTagDataRightward);
  post(true, recv_right_.receive(gpu_aware_), right_.received, right_.peer, kTagDataLeftward);
  post(false, send_left_.send(left_.count * per, gpu_aware_), left_.count, left_.peer, kTagDataLeftward);
  post(false, send_right_.send(right_.count * per, gpu_aware_), right_.count, right_.peer, kTagDataRightward);
  MPI_Waitall(n, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t0;
  recv_left_.arrived(left_.received * per, gpu_aware_);
  recv_right_.arrived(right_.received * per, gpu_aware_);

  // Ghosts from the left neighbour first, then from the right: a fixed order.
  const std::size_t first = p.size;
  p.reserve_ghost_rows(first + left_.received + right_.received);
  if (newton_) p.reserve_force_rows(first + right_.received);
  const auto pos = p.position;
  const auto spc = p.species;
  auto unpack = [&](const Kokkos::View<double*, MemSpace>& buf, std::size_t count, std::size_t row0) {
    Kokkos::parallel_for(
        "HaloExchange::unpack", Kokkos::RangePolicy<ExecSpace>(0, count), KOKKOS_LAMBDA(const std::size_t k) {
          for (int d = 0; d < 3; ++d) pos(row0 + k, d) = buf(k * per + d);
          if (per == 4) spc(row0 + k) = static_cast<int>(buf(k * per + 3));
        });
  };
  unpack(recv_left_.device(), left_.received, first);
  unpack(recv_right_.device(), right_.received, first + left_.received);
  p.ghosts = left_.received + right_.received;
}

void HaloExchange::reverse_forces(Particles& p, CommStats& stats) {
  if (!newton_) return;  // P = 1: every reaction is already on an owned row
  // Ghost rows [size, size + right_.received) are the right neighbour's
  // particles, in the order it exported them (its left_.rows); images of
  // them passed their reactions on to these rows in the kernel.
  const std::size_t n_back = right_.received, n_in = left_.count;
  send_right_.reserve(n_back * 3);
  recv_left_.reserve(n_in * 3);
  const auto force = p.force;
  const auto out = send_right_.device();
  const std::size_t first = p.size;
  Kokkos::parallel_for(
      "HaloExchange::pack_forces", Kokkos::RangePolicy<ExecSpace>(0, n_back), KOKKOS_LAMBDA(const std::size_t k) {
        for (int d = 0; d < 3; ++d) out(k * 3 + d) = force(first + k, d);
      });
  std::array<MPI_Request, 2> req;
  int n = 0;
  const double t0 = MPI_Wtime();
  if (n_in > 0 && left_.peer != MPI_PROC_NULL)
    MPI_Irecv(recv_left_.receive(gpu_aware_), static_cast<int>(n_in * 3), MPI_DOUBLE, left_.peer, kTagForceRightward,
              comm_, &req[n++]);
  if (n_back > 0 && right_.peer != MPI_PROC_NULL) {
    MPI_Isend(send_right_.send(n_back * 3, gpu_aware_), static_cast<int>(n_back * 3), MPI_DOUBLE, right_.peer,
              kTagForceRightward, comm_, &req[n++]);
    stats.messages += 1;
    stats.bytes += n_back * 3 * sizeof(double);
  }
  MPI_Waitall(n, req.data(), MPI_STATUSES_IGNORE);
  stats.wait_seconds += MPI_Wtime() - t0;
  recv_left_.arrived(n_in * 3, gpu_aware_);
  // An exported row appears once in the export list: no two k add to the
  // same row, so no atomics are needed.
  const auto rows = left_.rows;
  const auto in = recv_left_.device();
  Kokkos::parallel_for(
      "HaloExchange::add_forces", Kokkos::RangePolicy<ExecSpace>(0, n_in), KOKKOS_LAMBDA(const std::size_t k) {
        const int i = rows(k);
        for (int d = 0; d < 3; ++d) force(i, d) += in(k * 3 + d);
      });
}

void HaloExchange::add_images(Particles& p, int axis, Images& images, bool rebuild) {
  if (layout_.geometry(rank_).periodic[axis] == false) return;
  const double L = layout_.geometry(rank_).L[axis];
  const double w = width_;
  const std::size_t n = p.size + p.ghosts;
  if (rebuild) {
    // Each source row near the low face gets an image at +L, near the high
    // face one at -L (with L >= 2w a row is never near both).
    Kokkos::View<int*, MemSpace> low, high;
    const std::size_t n_low =
        select_rows(p.position, n, axis, low, "images_low", KOKKOS_LAMBDA(double s) { return s < w; });
    const std::size_t n_high =
        select_rows(p.position, n, axis, high, "images_high", KOKKOS_LAMBDA(double s) { return s >= L - w; });
    images.count = n_low + n_high;
    grow_discarding(images.rows, images.count, "image_rows");
    grow_discarding(images.shift, images.count, "image_shift");
    const auto rows = images.rows;
    const auto shift = images.shift;
    Kokkos::parallel_for(
        "HaloExchange::image_list", Kokkos::RangePolicy<ExecSpace>(0, images.count),
        KOKKOS_LAMBDA(const std::size_t k) {
          const bool is_low = k < n_low;
          rows(k) = is_low ? low(k) : high(k - n_low);
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
