#include "io/H5mdWriter.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/H5mdFrame.hpp"
#include "io/RowChecksum.hpp"
#include "kernels/Boundary.hpp"

namespace strata {
namespace h5 {
namespace {

static_assert(sizeof(int) == 4, "image and species are stored as int32");

// Bounds the host staging buffers whatever a rank owns: 2^16 rows (1.5 MB of
// doubles for a vector field) per collective write: large enough for
// full-speed MPI-IO, small enough that the staging (2.25 MB in all: one
// field's rows and the position wrap's shifts) stays small beside the run's
// own memory. The final writes are the peak of an LJ run's memory: with
// 2^18 rows they added 17 MB (67 B per atom at 256,000 atoms), and a buffer
// per element type, 4.25 MB, still added 16 B per atom on 2 ranks.
constexpr std::int64_t kRowsPerWrite = std::int64_t(1) << 16;
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;
// step/time grow by one per appended frame; a chunk this long keeps that cheap.
constexpr hsize_t kFramesPerChunk = 256;

// A time-dependent H5MD element holding one frame; returns its value dataset.
Handle make_element(const WriteContext& ctx, const FrameOptions& options, std::vector<DatasetRecord>& records,
                    hid_t parent, const char* name, hid_t file_type, std::size_t elem_size, std::int64_t total,
                    int components, const H5mdFrameInfo& info) {
  const std::string where = "/particles/all/" + std::string(name);
  Handle group = make_group(ctx, parent, name);
  Handle step = make_frames_dataset(ctx, group.get(), "step", H5T_STD_I64LE, {1}, {kFramesPerChunk});
  records.push_back(
      write_whole_recorded(ctx, step.get(), H5T_NATIVE_INT64, where + "/step", {1}, 8, &info.step, options.checksums));
  Handle time = make_frames_dataset(ctx, group.get(), "time", H5T_IEEE_F64LE, {1}, {kFramesPerChunk});
  records.push_back(
      write_whole_recorded(ctx, time.get(), H5T_NATIVE_DOUBLE, where + "/time", {1}, 8, &info.time, options.checksums));

  const hsize_t n = static_cast<hsize_t>(total);
  const hsize_t rows_per_chunk =
      std::max<hsize_t>(1, std::min<hsize_t>(n, kChunkBytes / (elem_size * static_cast<std::size_t>(components))));
  if (components == 1) {
    records.push_back({where + "/value", {1, n}, 0});
    return make_frames_dataset(ctx, group.get(), "value", file_type, {1, n}, {1, rows_per_chunk});
  }
  records.push_back({where + "/value", {1, n, 3}, 0});
  return make_frames_dataset(ctx, group.get(), "value", file_type, {1, n, 3}, {1, rows_per_chunk, 3});
}

// Rows [lo, lo + m) of an [n][3] view, made row-major whatever the view's
// layout; only this bounded slice ever crosses to the host.
// Host memory for one field's rows at a time, of whatever element type:
// malloc'd bytes, in which the staged values are created as they are written.
class Staging {
 public:
  template <class T>
  T* rows(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
    if (bytes > bytes_) {
      void* grown = std::realloc(raw_.get(), bytes);
      if (grown == nullptr) throw std::bad_alloc();
      raw_.release();
      raw_.reset(grown);
      bytes_ = bytes;
    }
    return static_cast<T*>(raw_.get());
  }

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> raw_;
  std::size_t bytes_ = 0;
};

template <class T, class View>
T* stage_vectors(const View& v, std::size_t lo, std::size_t m, Staging& staging) {
  T* out = staging.rows<T>(3 * m);
  auto rows = Kokkos::subview(v, std::make_pair(lo, lo + m), Kokkos::ALL);
  auto h_rows = Kokkos::create_mirror_view(rows);
  Kokkos::deep_copy(h_rows, rows);
  for (std::size_t i = 0; i < m; ++i)
    for (int c = 0; c < 3; ++c) out[3 * i + c] = h_rows(i, c);
  return out;
}

template <class T, class View>
T* stage_scalars(const View& v, std::size_t lo, std::size_t m, Staging& staging) {
  T* out = staging.rows<T>(m);
  auto part = Kokkos::subview(v, std::make_pair(lo, lo + m));
  auto h_part = Kokkos::create_mirror_view(part);
  Kokkos::deep_copy(h_part, part);
  for (std::size_t i = 0; i < m; ++i) out[i] = h_part(i);
  return out;
}

void write_box(const WriteContext& ctx, const FrameOptions& options, std::vector<DatasetRecord>& records,
               hid_t all, const H5mdFrameInfo& info) {
  Handle box = make_box_group(ctx, all, info.boundary);
  Handle edges = make_dataset(ctx, box.get(), "edges", H5T_IEEE_F64LE, {3});
  records.push_back(write_whole_recorded(ctx, edges.get(), H5T_NATIVE_DOUBLE, "/particles/all/box/edges", {3}, 8,
                                         info.box.data(), options.checksums));
}

}  // namespace

std::vector<DatasetRecord> write_frame(const WriteContext& ctx, hid_t file, const Particles& p,
                                       const H5mdFrameInfo& info, const std::string& creator_version,
                                       const FrameOptions& options) {
  write_h5md_header(ctx, file, creator_version);

  const std::int64_t local = static_cast<std::int64_t>(p.size);
  std::int64_t offset = 0;
  MPI_Exscan(&local, &offset, 1, MPI_INT64_T, MPI_SUM, ctx.comm);
  if (ctx.rank == 0) offset = 0;  // MPI_Exscan leaves rank 0's result undefined
  std::int64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, ctx.comm);
  const std::int64_t my_rounds = (local + kRowsPerWrite - 1) / kRowsPerWrite;
  std::int64_t rounds = 0;
  MPI_Allreduce(&my_rounds, &rounds, 1, MPI_INT64_T, MPI_MAX, ctx.comm);

  std::vector<DatasetRecord> records;
  Handle particles = make_group(ctx, file, "particles");
  Handle all = make_group(ctx, particles.get(), "all");
  write_box(ctx, options, records, all.get(), info);
  // Each element's value record is the last one make_element added.
  auto element = [&](const char* name, hid_t file_type, std::size_t elem_size, int components,
                     std::size_t& record) {
    Handle value = make_element(ctx, options, records, all.get(), name, file_type, elem_size, total, components, info);
    record = records.size() - 1;
    return value;
  };
  std::size_t r_position = 0, r_velocity = 0, r_image = 0, r_id = 0, r_species = 0, r_origin = 0;
  Handle position = element("position", H5T_IEEE_F64LE, 8, 3, r_position);
  Handle velocity = element("velocity", H5T_IEEE_F64LE, 8, 3, r_velocity);
  Handle image = element("image", H5T_STD_I32LE, 4, 3, r_image);
  Handle id = element("id", H5T_STD_I64LE, 8, 1, r_id);
  Handle species = element("species", H5T_STD_I32LE, 4, 1, r_species);
  Handle origin;
  if (options.origin) origin = element("origin", H5T_IEEE_F32LE, 4, 3, r_origin);
  // The exact resume state: plain [1][N][3] datasets, no H5MD element.
  Handle resume_position, resume_image, resume_build;
  std::size_t r_resume_position = 0, r_resume_image = 0, r_resume_build = 0;
  if (options.resume) {
    const hsize_t n = static_cast<hsize_t>(total);
    auto plain = [&](const char* name, hid_t file_type, std::size_t& record) {
      records.push_back({options.resume_path + "/" + name, {1, n, 3}, 0});
      record = records.size() - 1;
      return make_dataset(ctx, options.resume_group, name, file_type, {1, n, 3});
    };
    resume_position = plain("position", H5T_IEEE_F64LE, r_resume_position);
    resume_image = plain("image", H5T_STD_I32LE, r_resume_image);
    resume_build = plain("build_position", H5T_IEEE_F64LE, r_resume_build);
  }

  Staging staged, shift_rows;  // a field's rows; the position wrap's shifts, kept for the images
  for (std::int64_t round = 0; round < rounds; ++round) {
    // Ranks already done still take part, with an empty selection.
    const std::int64_t lo = std::min(round * kRowsPerWrite, local);
    const std::int64_t m = std::min(kRowsPerWrite, local - lo);
    const std::size_t ulo = static_cast<std::size_t>(lo), um = static_cast<std::size_t>(m);
    const hsize_t row = static_cast<hsize_t>(offset + lo), rows = static_cast<hsize_t>(m);
    // The checksum is taken of exactly the bytes handed to H5Dwrite.
    auto select = [&](const Handle& dset, std::size_t record, const auto* values, int components) {
      const std::size_t row_bytes = sizeof(values[0]) * static_cast<std::size_t>(components);
      if (options.checksums) records[record].checksum += rows_checksum(values, row_bytes, um, row);
      if (components == 1) return select_block(ctx, dset.get(), {0, row}, {1, rows}, values);
      return select_block(ctx, dset.get(), {0, row, 0}, {1, rows, 3}, values);
    };
    int* const shifts = shift_rows.rows<int>(3 * um);

    collective_write(ctx, position.get(), H5T_NATIVE_DOUBLE, "positions", [&] {
      double* const x = stage_vectors<double>(p.position, ulo, um, staged);
      // Folded into the box with the run's own wrap; the images, staged
      // next, are shifted by what this moved.
      std::fill(shifts, shifts + 3 * um, 0);
      for (std::size_t k = 0; k < 3 * um; ++k)
        if (info.boundary[k % 3] == Boundary::Periodic) wrap_periodic(x[k], shifts[k], info.box[k % 3]);
      return select(position, r_position, x, 3);
    });
    collective_write(ctx, velocity.get(), H5T_NATIVE_DOUBLE, "velocities", [&] {
      return select(velocity, r_velocity, stage_vectors<double>(p.velocity, ulo, um, staged), 3);
    });
    collective_write(ctx, image.get(), H5T_NATIVE_INT, "images", [&] {
      int* const img = stage_vectors<int>(p.image, ulo, um, staged);
      for (std::size_t k = 0; k < 3 * um; ++k) img[k] += shifts[k];
      return select(image, r_image, img, 3);
    });
    collective_write(ctx, id.get(), H5T_NATIVE_INT64, "ids", [&] {
      return select(id, r_id, stage_scalars<std::int64_t>(p.id, ulo, um, staged), 1);
    });
    collective_write(ctx, species.get(), H5T_NATIVE_INT, "species", [&] {
      return select(species, r_species, stage_scalars<int>(p.species, ulo, um, staged), 1);
    });
    if (options.origin)
      collective_write(ctx, origin.get(), H5T_NATIVE_FLOAT, "origins", [&] {
        return select(origin, r_origin, stage_vectors<float>(p.origin, ulo, um, staged), 3);
      });
    if (options.resume) {
      collective_write(ctx, resume_position.get(), H5T_NATIVE_DOUBLE, "resume positions", [&] {
        return select(resume_position, r_resume_position,
                      stage_vectors<double>(options.resume->position, ulo, um, staged), 3);
      });
      collective_write(ctx, resume_image.get(), H5T_NATIVE_INT, "resume images", [&] {
        return select(resume_image, r_resume_image, stage_vectors<int>(options.resume->image, ulo, um, staged), 3);
      });
      collective_write(ctx, resume_build.get(), H5T_NATIVE_DOUBLE, "build positions", [&] {
        return select(resume_build, r_resume_build,
                      stage_vectors<double>(options.resume->build_position, ulo, um, staged), 3);
      });
    }
  }
  return records;
}

}  // namespace h5

void write_h5md_frame(MPI_Comm comm, const std::string& path, const Particles& p, const H5mdFrameInfo& info,
                      const std::string& creator_version) {
  h5::QuietErrors quiet;
  h5::WriteContext ctx(comm, "H5MD file", path);
  const std::string tmp = path + ".tmp";
  h5::Handle file;
  try {
    file = h5::create_file(ctx, tmp, false);
    h5::write_frame(ctx, file.get(), p, info, creator_version, h5::FrameOptions{});
    h5::close_file(ctx, file, tmp);
  } catch (const h5::AgreedWriteFailure&) {
    h5::discard_file(ctx, file, tmp);
    throw;
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
