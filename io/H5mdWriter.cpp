#include "io/H5mdWriter.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace strata {
namespace {

static_assert(sizeof(int) == 4, "image and species are stored as int32");

// Bounds the host staging buffers (24 MiB for positions) whatever a rank owns.
constexpr std::int64_t kRowsPerWrite = std::int64_t(1) << 20;
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;
// step/time grow by one per appended frame; a chunk this long keeps that cheap.
constexpr hsize_t kFramesPerChunk = 256;

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      close();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  herr_t close() { return id_ >= 0 ? close_(std::exchange(id_, -1)) : 0; }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// We report HDF5 failures in our exception; HDF5's own stack dump on every
// rank would only bury that message.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The innermost HDF5 error is where the cause (e.g. the MPI-IO error) is named.
std::string hdf5_detail() {
  std::string inner;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e->desc) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &inner);
  H5Eclear2(H5E_DEFAULT);
  return inner.empty() ? std::string() : " (HDF5: " + inner + ")";
}

// Already names the file; anything else thrown while writing gets that added.
struct WriteFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Ctx {
  MPI_Comm comm;
  int rank;
  int size;
  std::string path;  // the final name, which is what the user knows
  Handle dxpl;

  std::string prefix() const { return "cannot write H5MD file '" + path + "': "; }
  [[noreturn]] void fail(const std::string& what) const { throw WriteFailure(prefix() + what + hdf5_detail()); }
  // For both hid_t and herr_t results: negative means failure.
  template <class T>
  T check(T result, const std::string& what) const {
    if (result < 0) fail(what);
    return result;
  }

  // Before a collective HDF5 call that a rank might not reach: if any rank
  // failed, every rank throws the lowest failing rank's message, so none is
  // left waiting and rank 0 reports the real cause.
  void agree(const std::string& local_error) const {
    int mine = local_error.empty() ? size : rank;
    int first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size) return;
    std::string msg = local_error;
    unsigned long len = msg.size();
    MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG, first, comm);
    msg.resize(len);
    MPI_Bcast(msg.data(), static_cast<int>(len), MPI_CHAR, first, comm);
    throw WriteFailure(msg);
  }

  // Runs local work that may fail on this rank alone; the message for agree().
  template <class F>
  std::string attempt(F&& f) const {
    try {
      f();
      return {};
    } catch (const WriteFailure& e) {
      return e.what();
    } catch (const std::exception& e) {
      return prefix() + e.what() + " on rank " + std::to_string(rank);
    } catch (...) {
      return prefix() + "unknown error on rank " + std::to_string(rank);
    }
  }
};

Handle make_group(const Ctx& ctx, hid_t parent, const char* name) {
  return Handle(ctx.check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          std::string("cannot create group ") + name),
                H5Gclose);
}

void write_attribute(const Ctx& ctx, hid_t obj, const char* name, hid_t file_type, hid_t mem_type,
                     hsize_t count, bool scalar, const void* data) {
  Handle space(ctx.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr),
                         "cannot create dataspace"),
               H5Sclose);
  Handle attr(ctx.check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        std::string("cannot create attribute ") + name),
              H5Aclose);
  ctx.check(H5Awrite(attr.get(), mem_type, data), "cannot write attribute");
}

// Fixed-length, null-terminated strings: readable by every H5MD reader and,
// unlike variable-length data, safe to write through the MPI-IO driver.
void write_strings(const Ctx& ctx, hid_t obj, const char* name, const std::vector<std::string>& values,
                   bool scalar) {
  std::size_t width = 0;
  for (const auto& v : values) width = std::max(width, v.size());
  ++width;  // the terminator
  std::vector<char> packed(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), &packed[i * width]);
  Handle type(ctx.check(H5Tcopy(H5T_C_S1), "cannot copy string type"), H5Tclose);
  ctx.check(H5Tset_size(type.get(), width), "cannot size string type");
  ctx.check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "cannot terminate string type");
  write_attribute(ctx, obj, name, type.get(), type.get(), values.size(), scalar, packed.data());
}

// A dataset whose first dimension counts frames and may grow, so later
// frames can be appended to the same file.
Handle make_frames_dataset(const Ctx& ctx, hid_t parent, const char* name, hid_t file_type,
                           std::vector<hsize_t> dims, std::vector<hsize_t> chunk) {
  std::vector<hsize_t> maxdims = dims;
  maxdims[0] = H5S_UNLIMITED;
  // A chunk may not exceed a fixed dimension; an empty particle axis has to
  // be growable for the chunk to fit.
  for (std::size_t d = 1; d < dims.size(); ++d)
    if (dims[d] == 0) maxdims[d] = H5S_UNLIMITED;
  Handle space(ctx.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                         "cannot create dataspace"),
               H5Sclose);
  Handle dcpl(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking");
  // Every element is written, so filling first would only double the I/O.
  ctx.check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "cannot set fill time");
  return Handle(ctx.check(H5Dcreate2(parent, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                          std::string("cannot create dataset ") + name),
                H5Dclose);
}

struct Selection {
  Handle file_space;
  Handle mem_space;
  const void* buf = nullptr;
};

// The collective H5Dwrite every rank must reach: `prepare` (local work that
// may fail on one rank alone) is agreed on before it, its result after it.
template <class Prepare>
void collective_write(const Ctx& ctx, hid_t dset, hid_t mem_type, const std::string& what, Prepare&& prepare) {
  Selection sel;
  ctx.agree(ctx.attempt([&] { sel = prepare(); }));
  // H5Dwrite rejects a null buffer even for an empty selection in some versions.
  static const char dummy = 0;
  const herr_t status =
      H5Dwrite(dset, mem_type, sel.mem_space.get(), sel.file_space.get(), ctx.dxpl.get(), sel.buf ? sel.buf : &dummy);
  ctx.agree(status < 0 ? ctx.attempt([&] { ctx.fail("cannot write " + what); }) : std::string());
}

// Selects `count` elements of `dset` starting at `start` (empty when count has
// a zero), with a flat memory space of the same size.
Selection select_block(const Ctx& ctx, hid_t dset, const std::vector<hsize_t>& start,
                       const std::vector<hsize_t>& count, const void* buf) {
  Selection sel;
  sel.buf = buf;
  sel.file_space = Handle(ctx.check(H5Dget_space(dset), "cannot get dataspace"), H5Sclose);
  hsize_t n = 1;
  for (hsize_t c : count) n *= c;
  const hsize_t mem_n = std::max<hsize_t>(n, 1);
  sel.mem_space = Handle(ctx.check(H5Screate_simple(1, &mem_n, nullptr), "cannot create dataspace"), H5Sclose);
  if (n == 0) {
    ctx.check(H5Sselect_none(sel.file_space.get()), "cannot select");
    ctx.check(H5Sselect_none(sel.mem_space.get()), "cannot select");
  } else {
    ctx.check(H5Sselect_hyperslab(sel.file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              "cannot select");
  }
  return sel;
}

// Small metadata-like datasets: rank 0 supplies the data, the others join the
// collective call with nothing.
void write_whole(const Ctx& ctx, hid_t dset, hid_t mem_type, const std::string& what, hsize_t count,
                 const void* buf) {
  collective_write(ctx, dset, mem_type, what, [&] {
    const hsize_t n = ctx.rank == 0 ? count : 0;
    return select_block(ctx, dset, {0}, {n}, buf);
  });
}

// A time-dependent H5MD element holding one frame; returns its value dataset.
Handle make_element(const Ctx& ctx, hid_t parent, const char* name, hid_t file_type, std::size_t elem_size,
                    std::int64_t total, int components, const H5mdFrameInfo& info) {
  const std::string where = "/particles/all/" + std::string(name);
  Handle group = make_group(ctx, parent, name);
  Handle step = make_frames_dataset(ctx, group.get(), "step", H5T_STD_I64LE, {1}, {kFramesPerChunk});
  write_whole(ctx, step.get(), H5T_NATIVE_INT64, where + "/step", 1, &info.step);
  Handle time = make_frames_dataset(ctx, group.get(), "time", H5T_IEEE_F64LE, {1}, {kFramesPerChunk});
  write_whole(ctx, time.get(), H5T_NATIVE_DOUBLE, where + "/time", 1, &info.time);

  const hsize_t n = static_cast<hsize_t>(total);
  const hsize_t rows_per_chunk =
      std::max<hsize_t>(1, std::min<hsize_t>(n, kChunkBytes / (elem_size * static_cast<std::size_t>(components))));
  if (components == 1) return make_frames_dataset(ctx, group.get(), "value", file_type, {1, n}, {1, rows_per_chunk});
  return make_frames_dataset(ctx, group.get(), "value", file_type, {1, n, 3}, {1, rows_per_chunk, 3});
}

// Rows [lo, lo + m) of an [n][3] view, made row-major whatever the view's
// layout; only this bounded slice ever crosses to the host.
template <class View, class T>
void stage_vectors(const View& v, std::size_t lo, std::size_t m, std::vector<T>& out) {
  out.resize(3 * m);
  auto rows = Kokkos::subview(v, std::make_pair(lo, lo + m), Kokkos::ALL);
  auto h_rows = Kokkos::create_mirror_view(rows);
  Kokkos::deep_copy(h_rows, rows);
  for (std::size_t i = 0; i < m; ++i)
    for (int c = 0; c < 3; ++c) out[3 * i + c] = h_rows(i, c);
}

template <class View, class T>
void stage_scalars(const View& v, std::size_t lo, std::size_t m, std::vector<T>& out) {
  auto part = Kokkos::subview(v, std::make_pair(lo, lo + m));
  auto h_part = Kokkos::create_mirror_view(part);
  Kokkos::deep_copy(h_part, part);
  out.resize(m);
  for (std::size_t i = 0; i < m; ++i) out[i] = h_part(i);
}

void write_metadata(const Ctx& ctx, hid_t file, const std::string& creator_version) {
  Handle h5md = make_group(ctx, file, "h5md");
  const int version[2] = {1, 1};
  write_attribute(ctx, h5md.get(), "version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, false, version);
  Handle author = make_group(ctx, h5md.get(), "author");
  write_strings(ctx, author.get(), "name", {"Strata"}, true);
  Handle creator = make_group(ctx, h5md.get(), "creator");
  write_strings(ctx, creator.get(), "name", {"strata"}, true);
  write_strings(ctx, creator.get(), "version", {creator_version}, true);
}

void write_box(const Ctx& ctx, hid_t all, const H5mdFrameInfo& info) {
  Handle box = make_group(ctx, all, "box");
  const int dimension = 3;
  write_attribute(ctx, box.get(), "dimension", H5T_STD_I32LE, H5T_NATIVE_INT, 1, true, &dimension);
  std::vector<std::string> boundary;
  // H5MD knows only "periodic" and "none"; a reflecting wall is not periodic.
  for (Boundary b : info.boundary) boundary.push_back(b == Boundary::Periodic ? "periodic" : "none");
  write_strings(ctx, box.get(), "boundary", boundary, false);

  const hsize_t three = 3;
  Handle space(ctx.check(H5Screate_simple(1, &three, nullptr), "cannot create dataspace"), H5Sclose);
  Handle edges(ctx.check(H5Dcreate2(box.get(), "edges", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                    H5P_DEFAULT),
                         "cannot create dataset edges"),
               H5Dclose);
  write_whole(ctx, edges.get(), H5T_NATIVE_DOUBLE, "/particles/all/box/edges", 3, info.box.data());
}

void write_particles(const Ctx& ctx, hid_t file, const Particles& p, const H5mdFrameInfo& info) {
  const std::int64_t local = static_cast<std::int64_t>(p.size);
  std::int64_t offset = 0;
  MPI_Exscan(&local, &offset, 1, MPI_INT64_T, MPI_SUM, ctx.comm);
  if (ctx.rank == 0) offset = 0;  // MPI_Exscan leaves rank 0's result undefined
  std::int64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, ctx.comm);
  const std::int64_t my_rounds = (local + kRowsPerWrite - 1) / kRowsPerWrite;
  std::int64_t rounds = 0;
  MPI_Allreduce(&my_rounds, &rounds, 1, MPI_INT64_T, MPI_MAX, ctx.comm);

  Handle particles = make_group(ctx, file, "particles");
  Handle all = make_group(ctx, particles.get(), "all");
  write_box(ctx, all.get(), info);
  Handle position = make_element(ctx, all.get(), "position", H5T_IEEE_F64LE, 8, total, 3, info);
  Handle velocity = make_element(ctx, all.get(), "velocity", H5T_IEEE_F64LE, 8, total, 3, info);
  Handle image = make_element(ctx, all.get(), "image", H5T_STD_I32LE, 4, total, 3, info);
  Handle id = make_element(ctx, all.get(), "id", H5T_STD_I64LE, 8, total, 1, info);
  Handle species = make_element(ctx, all.get(), "species", H5T_STD_I32LE, 4, total, 1, info);

  std::vector<double> h_doubles;
  std::vector<int> h_ints;
  std::vector<std::int64_t> h_ids;
  for (std::int64_t round = 0; round < rounds; ++round) {
    // Ranks already done still take part, with an empty selection.
    const std::int64_t lo = std::min(round * kRowsPerWrite, local);
    const std::int64_t m = std::min(kRowsPerWrite, local - lo);
    const std::size_t ulo = static_cast<std::size_t>(lo), um = static_cast<std::size_t>(m);
    const hsize_t row = static_cast<hsize_t>(offset + lo), rows = static_cast<hsize_t>(m);

    collective_write(ctx, position.get(), H5T_NATIVE_DOUBLE, "positions", [&] {
      stage_vectors(p.position, ulo, um, h_doubles);
      return select_block(ctx, position.get(), {0, row, 0}, {1, rows, 3}, h_doubles.data());
    });
    collective_write(ctx, velocity.get(), H5T_NATIVE_DOUBLE, "velocities", [&] {
      stage_vectors(p.velocity, ulo, um, h_doubles);
      return select_block(ctx, velocity.get(), {0, row, 0}, {1, rows, 3}, h_doubles.data());
    });
    collective_write(ctx, image.get(), H5T_NATIVE_INT, "images", [&] {
      stage_vectors(p.image, ulo, um, h_ints);
      return select_block(ctx, image.get(), {0, row, 0}, {1, rows, 3}, h_ints.data());
    });
    collective_write(ctx, id.get(), H5T_NATIVE_INT64, "ids", [&] {
      stage_scalars(p.id, ulo, um, h_ids);
      return select_block(ctx, id.get(), {0, row}, {1, rows}, h_ids.data());
    });
    collective_write(ctx, species.get(), H5T_NATIVE_INT, "species", [&] {
      stage_scalars(p.species, ulo, um, h_ints);
      return select_block(ctx, species.get(), {0, row}, {1, rows}, h_ints.data());
    });
  }
}

void write_file(Ctx& ctx, const std::string& tmp, const Particles& p, const H5mdFrameInfo& info,
                const std::string& creator_version) {
  Handle fapl(ctx.check(H5Pcreate(H5P_FILE_ACCESS), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_fapl_mpio(fapl.get(), ctx.comm, MPI_INFO_NULL), "cannot select the MPI-IO driver");
  // One rank writes metadata instead of all of them racing on small writes.
  ctx.check(H5Pset_coll_metadata_write(fapl.get(), 1), "cannot set collective metadata writes");
  ctx.dxpl = Handle(ctx.check(H5Pcreate(H5P_DATASET_XFER), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_dxpl_mpio(ctx.dxpl.get(), H5FD_MPIO_COLLECTIVE), "cannot select collective transfers");

  const hid_t created = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  // A rank that did open the file cannot close it alone (H5Fclose is
  // collective), so on disagreement its handle is abandoned, not closed.
  ctx.agree(created < 0 ? ctx.attempt([&] { ctx.fail("cannot create " + tmp); }) : std::string());
  Handle file(created, H5Fclose);

  write_metadata(ctx, file.get(), creator_version);
  write_particles(ctx, file.get(), p, info);

  const herr_t closed = file.close();
  ctx.agree(closed < 0 ? ctx.attempt([&] { ctx.fail("cannot close " + tmp); }) : std::string());
}

}  // namespace

void write_h5md_frame(MPI_Comm comm, const std::string& path, const Particles& p, const H5mdFrameInfo& info,
                      const std::string& creator_version) {
  QuietHdf5Errors quiet;
  Ctx ctx{comm, 0, 1, path, Handle()};
  MPI_Comm_rank(comm, &ctx.rank);
  MPI_Comm_size(comm, &ctx.size);
  const std::string tmp = path + ".tmp";
  try {
    write_file(ctx, tmp, p, info, creator_version);
  } catch (...) {
    if (ctx.rank == 0) std::remove(tmp.c_str());
    throw;
  }
  int rename_errno = 0;
  if (ctx.rank == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) {
    rename_errno = errno;
    std::remove(tmp.c_str());
  }
  // Also makes the file visible under its final name on every rank on return.
  MPI_Bcast(&rename_errno, 1, MPI_INT, 0, comm);
  if (rename_errno != 0)
    throw std::runtime_error("cannot write H5MD file '" + path + "': renaming " + tmp +
                             " failed: " + std::strerror(rename_errno));
}

}  // namespace strata
