// write_checkpoint: the H5MD frame plus /strata (io/CheckpointFormat.hpp),
// written collectively, made durable, published by rename, then rotated.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "core/Version.hpp"
#include "io/Checkpoint.hpp"
#include "io/CheckpointFormat.hpp"
#include "io/RunLog.hpp"
#include "io/H5mdFrame.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
namespace format = checkpoint_format;
using h5::DatasetRecord;
using h5::Handle;
using h5::WriteContext;

void check_meta(const CheckpointMeta& meta, int ranks) {
  if (meta.step < 0 || meta.step > format::kMaxStep)
    throw std::invalid_argument("write_checkpoint: step " + std::to_string(meta.step) + " is outside [0, 10^12)");
  if (static_cast<long>(meta.grid[0]) * meta.grid[1] * meta.grid[2] != ranks)
    throw std::invalid_argument("write_checkpoint: the grid does not have " + std::to_string(ranks) + " bricks");
  if (meta.planes.size() != static_cast<std::size_t>(meta.grid[0] + meta.grid[1] + meta.grid[2] + 3))
    throw std::invalid_argument("write_checkpoint: " + std::to_string(meta.planes.size()) +
                                " planes for the grid (expected px + py + pz + 3)");
  if (meta.slab_axis < 0 || meta.slab_axis > 2) throw std::invalid_argument("write_checkpoint: slab_axis not 0, 1 or 2");
}

std::string code_version(const CheckpointMeta& meta) {
  return meta.code_version.empty() ? std::string(STRATA_VERSION) : meta.code_version;
}

// A dataset rank 0 writes whole, recorded with its checksum.
DatasetRecord write_small(const WriteContext& ctx, hid_t parent, const char* name, const std::string& path,
                          hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims, std::size_t elem_bytes,
                          const void* data) {
  Handle dset = h5::make_dataset(ctx, parent, name, file_type, dims);
  return h5::write_whole_recorded(ctx, dset.get(), mem_type, path, dims, elem_bytes, data, true);
}

DatasetRecord write_string_array(const WriteContext& ctx, hid_t parent, const char* name, const std::string& path,
                                 const std::vector<std::string>& values) {
  std::size_t width = 0;
  const std::vector<char> packed = h5::pack_strings(values, width);
  const Handle type = h5::string_type(ctx, width);
  return write_small(ctx, parent, name, path, type.get(), type.get(), {values.size()}, width, packed.data());
}

// The integrity table: one row per dataset in `records`, one checksum column
// per rank (gathered to rank 0, which writes the table).
void write_integrity(const WriteContext& ctx, hid_t strata, const std::vector<DatasetRecord>& records) {
  Handle group = h5::make_group(ctx, strata, "integrity");
  const std::size_t D = records.size(), P = static_cast<std::size_t>(ctx.size);
  std::vector<std::string> paths;
  std::vector<std::int64_t> shapes(D * format::kMaxDims, -1);
  std::vector<std::uint64_t> mine(D);
  for (std::size_t d = 0; d < D; ++d) {
    paths.push_back(records[d].path);
    for (std::size_t k = 0; k < records[d].dims.size(); ++k)
      shapes[d * format::kMaxDims + k] = static_cast<std::int64_t>(records[d].dims[k]);
    mine[d] = records[d].checksum;
  }
  std::vector<std::uint64_t> by_rank(ctx.rank == 0 ? D * P : 0), table(by_rank.size());
  MPI_Gather(mine.data(), static_cast<int>(D), MPI_UINT64_T, by_rank.data(), static_cast<int>(D), MPI_UINT64_T, 0,
             ctx.comm);
  for (std::size_t r = 0; r < by_rank.size() / std::max<std::size_t>(D, 1); ++r)
    for (std::size_t d = 0; d < D; ++d) table[d * P + r] = by_rank[r * D + d];

  const std::string where = "/strata/integrity/";
  write_string_array(ctx, group.get(), "path", where + "path", paths);
  Handle shape = h5::make_dataset(ctx, group.get(), "shape", H5T_STD_I64LE, {D, format::kMaxDims});
  h5::write_whole(ctx, shape.get(), H5T_NATIVE_INT64, where + "shape", {D, format::kMaxDims}, shapes.data());
  Handle checksum = h5::make_dataset(ctx, group.get(), "checksum", H5T_STD_U64LE, {D, P});
  h5::write_whole(ctx, checksum.get(), H5T_NATIVE_UINT64, where + "checksum", {D, P}, table.data());
}

// /strata: what a restart needs besides the particles, and the integrity
// table over `records` (the frame's datasets) and its own datasets.
void write_strata(const WriteContext& ctx, hid_t strata_group, const CheckpointMeta& meta,
                  std::vector<DatasetRecord> records, std::int64_t local) {
  const hsize_t P = static_cast<hsize_t>(ctx.size);
  std::vector<std::int64_t> counts(ctx.rank == 0 ? P : 0);
  MPI_Gather(&local, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, 0, ctx.comm);
  std::int64_t total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT64_T, MPI_SUM, ctx.comm);

  const hid_t g = strata_group;
  const int version = format::kVersion, ranks = ctx.size;
  h5::write_attribute(ctx, g, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, 1, true, &version);
  h5::write_attribute(ctx, g, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, true, &meta.step);
  h5::write_attribute(ctx, g, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, true, &meta.time);
  h5::write_attribute(ctx, g, "particle_count", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, true, &total);
  h5::write_attribute(ctx, g, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, true, &meta.seed);
  h5::write_attribute(ctx, g, "slab_axis", H5T_STD_I32LE, H5T_NATIVE_INT, 1, true, &meta.slab_axis);
  h5::write_attribute(ctx, g, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT, 1, true, &ranks);
  h5::write_strings(ctx, g, "code_version", {code_version(meta)}, true);
  std::vector<std::string> boundary;
  for (Boundary b : meta.boundary) boundary.push_back(b == Boundary::Periodic ? "periodic" : "reflecting");
  h5::write_strings(ctx, g, "boundary", boundary, false);

  records.push_back(write_small(ctx, g, "rank_counts", "/strata/rank_counts", H5T_STD_I64LE, H5T_NATIVE_INT64, {P},
                                8, counts.data()));
  const std::int64_t grid[3] = {meta.grid[0], meta.grid[1], meta.grid[2]};
  records.push_back(write_small(ctx, g, "grid", "/strata/grid", H5T_STD_I64LE, H5T_NATIVE_INT64, {3}, 8, grid));
  records.push_back(write_small(ctx, g, "planes", "/strata/planes", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                {static_cast<hsize_t>(meta.planes.size())}, 8, meta.planes.data()));
  records.push_back(write_string_array(ctx, g, "deck", "/strata/deck", {meta.deck_text}));
  // The run's --set arguments (one per line) and deck path: with the deck
  // text, a restart rebuilds the run's configuration without the deck file.
  std::string overrides;
  for (const std::string& o : meta.deck_overrides) overrides += (overrides.empty() ? "" : "\n") + o;
  records.push_back(write_string_array(ctx, g, "deck_overrides", "/strata/deck_overrides", {overrides}));
  records.push_back(write_string_array(ctx, g, "deck_path", "/strata/deck_path", {meta.deck_path}));
  Handle integrator = h5::make_group(ctx, g, "integrator");
  std::vector<std::string> names;
  std::vector<double> values;
  for (const auto& [name, value] : meta.integrator) {
    names.push_back(name);
    values.push_back(value);
  }
  records.push_back(write_string_array(ctx, integrator.get(), "name", "/strata/integrator/name", names));
  records.push_back(write_small(ctx, integrator.get(), "value", "/strata/integrator/value", H5T_IEEE_F64LE,
                                H5T_NATIVE_DOUBLE, {values.size()}, 8, values.data()));
  write_integrity(ctx, g, records);
}

// errno of fsync on a file or directory, 0 on success.
int fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return errno;
  const int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// Rank 0: make the closed temporary file durable, then give it its final
// name and make the name durable (and the directory's own name, if this
// write created it). "" on success, else why not; `renamed` says whether
// the temporary file is gone.
std::string publish(const std::string& tmp, const std::string& final_path, const fs::path& dir, bool dir_created,
                    bool& renamed) {
  if (int err = fsync_path(tmp, false)) return "fsync of " + tmp + " failed: " + std::strerror(err);
  if (std::rename(tmp.c_str(), final_path.c_str()) != 0)
    return "renaming " + tmp + " failed: " + std::strerror(errno);
  renamed = true;
  for (const fs::path& d : {dir, dir.parent_path()}) {
    if (d != dir && !dir_created) break;
    if (int err = fsync_path(d.string(), true))
      return "fsync of directory " + d.string() + " failed: " + std::strerror(err);
  }
  return {};
}

// Rank 0's host name and process id, as a file name part.
std::string writer_tag() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  std::string tag;
  for (const char* c = host; *c; ++c) tag += std::isalnum(static_cast<unsigned char>(*c)) || *c == '-' ? *c : '_';
  return tag + "." + std::to_string(::getpid());
}

// Rank 0: delete the oldest complete checkpoints beyond the newest `keep`.
// Best effort: the new checkpoint is already safe, so a file that cannot be
// deleted is left for the next rotation.
// Also removes unfinished temporary files of earlier steps, left by writes
// that were killed: the new checkpoint supersedes them.
void rotate(const fs::path& dir, int keep, const std::string& written, std::int64_t written_step) {
  std::vector<std::pair<std::int64_t, fs::path>> complete;
  std::error_code ec;
  // Nothing here may throw: rank 0 alone runs it while the others wait.
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path path = it->path();
    const std::string name = path.filename().string();
    std::int64_t step = 0;
    if (format::is_temp_name(name)) {
      if (format::parse_file_name(name.substr(0, format::file_name(0).size()), step) && step < written_step) {
        std::error_code rm;
        if (fs::remove(path, rm))
          runlog::say("strata: removed " + path.string() + ", left by an unfinished (killed) checkpoint write");
      }
      continue;
    }
    if (keep <= 0 || !format::parse_file_name(name, step)) continue;
    try {
      if (path != fs::path(written)) read_checkpoint_meta(path.string());
      complete.emplace_back(step, path);
    } catch (const std::exception&) {
      // Damaged: not ours to delete, and not counted as a checkpoint.
    }
  }
  if (keep <= 0) return;
  std::sort(complete.begin(), complete.end());  // oldest first
  std::size_t left = complete.size();
  for (const auto& [step, path] : complete) {
    if (left <= static_cast<std::size_t>(keep)) break;
    if (path == fs::path(written)) continue;
    fs::remove(path, ec);
    --left;
  }
}

}  // namespace

std::string write_checkpoint(MPI_Comm comm, const std::string& output_dir, const Particles& p,
                             const CheckpointMeta& meta, int keep,
                             const std::function<void(std::int64_t)>& before_publish, const ResumeRows* resume) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  check_meta(meta, size);
  const fs::path dir = fs::path(output_dir) / "checkpoints";
  const std::string final_path = (dir / format::file_name(meta.step)).string();
  h5::QuietErrors quiet;
  WriteContext ctx(comm, "checkpoint", final_path);

  // Rank 0 creates the directory and names the temporary file.
  std::string error;
  char tag[300] = {0};
  bool dir_created = false;
  if (rank == 0) {
    std::error_code ec;
    dir_created = fs::create_directories(dir, ec);
    if (ec) error = ctx.prefix + "cannot create directory " + dir.string() + ": " + ec.message();
    std::snprintf(tag, sizeof tag, "%s", writer_tag().c_str());
  }
  ctx.agree(error);
  MPI_Bcast(tag, sizeof tag, MPI_CHAR, 0, comm);
  const std::string tmp = (dir / format::temp_name(meta.step, tag)).string();

  bool renamed = false;
  Handle file;
  try {
    file = h5::create_file(ctx, tmp, true);
    const H5mdFrameInfo info{meta.step, meta.time, meta.box, meta.boundary};
    Handle strata = h5::make_group(ctx, file.get(), "strata");
    Handle resume_group;
    h5::FrameOptions options;
    options.origin = true;
    options.checksums = true;
    if (resume) {
      resume_group = h5::make_group(ctx, strata.get(), "resume");
      options.resume = resume;
      options.resume_group = resume_group.get();
      options.resume_path = "/strata/resume";
    }
    std::vector<DatasetRecord> records = h5::write_frame(ctx, file.get(), p, info, code_version(meta), options);
    resume_group.close();
    write_strata(ctx, strata.get(), meta, std::move(records), static_cast<std::int64_t>(p.size));
    strata.close();
    if (before_publish) before_publish(meta.step);
    h5::close_file(ctx, file, tmp);
    if (rank == 0) {
      error = publish(tmp, final_path, dir, dir_created, renamed);
      if (!error.empty()) error = ctx.prefix + error;
    }
    ctx.agree(error);
  } catch (const h5::AgreedWriteFailure&) {
    if (!renamed) h5::discard_file(ctx, file, tmp);
    throw;
  } catch (...) {
    if (rank == 0 && !renamed) std::remove(tmp.c_str());
    throw;
  }
  if (rank == 0) rotate(dir, keep, final_path, meta.step);
  // Every rank returns with the directory in its final state.
  MPI_Barrier(comm);
  return final_path;
}

}  // namespace strata
