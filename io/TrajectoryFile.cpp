#include "io/TrajectoryFile.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "core/Version.hpp"
#include "io/H5Collective.hpp"
#include "io/H5Handle.hpp"

namespace strata {

namespace {

using h5::Handle;
using Ctx = h5::WriteContext;

// Collective: local work that may fail on one rank alone, then agreement on
// its outcome, so every rank goes on or every rank throws the same error.
template <class F>
void together(const Ctx& ctx, F&& f) {
  ctx.agree(ctx.attempt(std::forward<F>(f)));
}

// Collective: after an HDF5 call every rank made, agree on its result.
template <class T>
T collective(const Ctx& ctx, T result, const std::string& what) {
  ctx.agree(result < 0 ? ctx.attempt([&] { ctx.fail(what); }) : std::string());
  return result;
}

static_assert(sizeof(int) == 4, "image and species are stored as int32");

constexpr std::size_t kChunkBytes = std::size_t(1) << 20;
// step, time, box and observables grow by one row per call; long chunks keep
// that cheap.
constexpr hsize_t kRowsPerChunk = 256;
constexpr const char* kAll = "/particles/all";
constexpr const char* kPerRank = "particles_per_rank";  // under /observables
constexpr const char* kOldLayout = "resume into a new output directory with --restart <checkpoint> --output <dir>";

// A particle element: its name under /particles/all and how it is stored.
struct ElementType {
  const char* name;
  hid_t file_type;
  hid_t mem_type;
  std::size_t bytes;  // per value
  int components;     // 3 for vectors, 1 for scalars
};

std::vector<ElementType> chosen_elements(const TrajectoryOptions& o) {
  std::vector<ElementType> e{{"position", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 8, 3}};
  if (o.velocity) e.push_back({"velocity", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 8, 3});
  if (o.image) e.push_back({"image", H5T_STD_I32LE, H5T_NATIVE_INT, 4, 3});
  if (o.id) e.push_back({"id", H5T_STD_I64LE, H5T_NATIVE_INT64, 8, 1});
  if (o.species) e.push_back({"species", H5T_STD_I32LE, H5T_NATIVE_INT, 4, 1});
  if (o.force) e.push_back({"force", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 8, 3});
  return e;
}

const char* const kOptionalElements[] = {"velocity", "image", "id", "species", "force"};

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

Handle link_create_plist(const Ctx& ctx) {
  Handle lcpl(ctx.check(H5Pcreate(H5P_LINK_CREATE), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_create_intermediate_group(lcpl.get(), 1), "cannot set intermediate groups");
  return lcpl;
}

Handle make_group_path(const Ctx& ctx, hid_t parent, const std::string& name) {
  Handle lcpl = link_create_plist(ctx);
  return Handle(ctx.check(H5Gcreate2(parent, name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
                          "cannot create group " + name),
                H5Gclose);
}

Handle open_dataset(const Ctx& ctx, hid_t parent, const std::string& name) {
  return Handle(ctx.check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name), H5Dclose);
}

bool exists(hid_t parent, const std::string& path) {
  // H5Lexists fails rather than answers when an intermediate group is missing.
  std::size_t slash = path.find('/', 1);
  for (;;) {
    const std::string prefix = path.substr(0, slash);
    if (H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    slash = path.find('/', slash + 1);
  }
}

// An empty dataset whose first axis (frames or rows) grows without limit.
// `grow_all` lets every axis grow (particles_per_rank gains columns when a
// run resumes on more ranks; a zero-length axis must grow for its chunk to
// fit). Every element gets written, so filling first would only double the
// I/O, except where `zero_fill` asks for it.
Handle make_series(const Ctx& ctx, hid_t parent, const std::string& name, hid_t file_type,
                   std::vector<hsize_t> dims, std::vector<hsize_t> chunk, int deflate, bool grow_all = false,
                   bool zero_fill = false) {
  std::vector<hsize_t> maxdims = dims;
  maxdims[0] = H5S_UNLIMITED;
  for (std::size_t d = 1; d < dims.size(); ++d)
    if (grow_all || dims[d] == 0) maxdims[d] = H5S_UNLIMITED;
  dims[0] = 0;
  Handle space(ctx.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                         "cannot create dataspace"),
               H5Sclose);
  Handle dcpl(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list"), H5Pclose);
  for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
  ctx.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking");
  if (zero_fill) {
    const std::int64_t zero = 0;
    ctx.check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_INT64, &zero), "cannot set fill value");
    ctx.check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC), "cannot set fill time");
  } else {
    ctx.check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "cannot set fill time");
  }
  if (deflate > 0) ctx.check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(deflate)), "cannot set deflate");
  Handle lcpl = link_create_plist(ctx);
  return Handle(ctx.check(H5Dcreate2(parent, name.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
                          "cannot create dataset " + name),
                H5Dclose);
}

std::vector<hsize_t> extent(const Ctx& ctx, hid_t dset) {
  Handle space(ctx.check(H5Dget_space(dset), "cannot get dataspace"), H5Sclose);
  const int rank = ctx.check(H5Sget_simple_extent_ndims(space.get()), "cannot get rank");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  ctx.check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "cannot get extent");
  return dims;
}

// Collective: every rank must call with the same sizes.
void set_rows(const Ctx& ctx, hid_t dset, hsize_t rows, const std::string& what) {
  std::vector<hsize_t> dims = extent(ctx, dset);
  dims[0] = rows;
  collective(ctx, H5Dset_extent(dset, dims.data()), "cannot resize " + what);
}

// Collective write of the block [start, start + count) (nothing where count
// has a zero) from a row-major buffer.
void write_block(const Ctx& ctx, hid_t dxpl, hid_t dset, hid_t mem_type, const std::vector<hsize_t>& start,
                 const std::vector<hsize_t>& count, const void* buf, const std::string& what) {
  Handle file_space, mem_space;
  together(ctx, [&] {
    file_space = Handle(ctx.check(H5Dget_space(dset), "cannot get dataspace"), H5Sclose);
    hsize_t n = 1;
    for (hsize_t c : count) n *= c;
    const hsize_t mem_n = std::max<hsize_t>(n, 1);
    mem_space = Handle(ctx.check(H5Screate_simple(1, &mem_n, nullptr), "cannot create dataspace"), H5Sclose);
    if (n == 0) {
      ctx.check(H5Sselect_none(file_space.get()), "cannot select");
      ctx.check(H5Sselect_none(mem_space.get()), "cannot select");
    } else {
      ctx.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                "cannot select");
    }
  });
  // H5Dwrite rejects a null buffer even for an empty selection in some versions.
  static const char dummy = 0;
  collective(ctx, H5Dwrite(dset, mem_type, mem_space.get(), file_space.get(), dxpl, buf ? buf : &dummy),
                 "cannot write " + what);
}

// Collective read of a whole 1-D dataset by every rank.
template <class T>
std::vector<T> read_all(const Ctx& ctx, hid_t dset, hid_t mem_type, hsize_t n, const std::string& what) {
  std::vector<T> out(std::max<hsize_t>(n, 1));
  Handle file_space(ctx.check(H5Dget_space(dset), "cannot get dataspace"), H5Sclose);
  const hsize_t mem_n = std::max<hsize_t>(n, 1);
  Handle mem_space(ctx.check(H5Screate_simple(1, &mem_n, nullptr), "cannot create dataspace"), H5Sclose);
  const hsize_t zero = 0;
  if (n == 0) {
    ctx.check(H5Sselect_none(file_space.get()), "cannot select");
    ctx.check(H5Sselect_none(mem_space.get()), "cannot select");
  } else {
    ctx.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &zero, nullptr, &n, nullptr), "cannot select");
  }
  ctx.check(H5Dread(dset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()),
            "cannot read " + what);
  out.resize(n);
  return out;
}

// How many leading rows to keep on resume: steps must rise strictly (a row
// a killed run extended but never filled breaks the rise) and not pass the
// checkpoint.
std::size_t rows_to_keep(const std::vector<std::int64_t>& steps, std::int64_t resume_step) {
  std::size_t keep = 0;
  while (keep < steps.size() && steps[keep] <= resume_step && (keep == 0 || steps[keep] > steps[keep - 1])) ++keep;
  return keep;
}

// One time series: an H5MD observable, or the step/time/box of the frames.
struct Series {
  Handle step, time, value;
  hsize_t rows = 0;
  hsize_t width = 0;  // columns of a 2-D value (particles_per_rank)
};

}  // namespace

struct TrajectoryFile::Impl {
  Ctx ctx;
  std::string path;
  std::int64_t count;
  TrajectoryOptions options;
  std::array<double, 3> box;
  std::array<Boundary, 3> boundary;
  std::vector<std::pair<std::int64_t, double>> frames;

  Handle file, dxpl;
  Handle step, time, edges;  // shared by all particle elements; the box's value
  struct Element {
    ElementType type;
    Handle value;
  };
  std::vector<Element> elements;
  Handle observables;  // the /observables group
  std::map<std::string, Series> series;
  Series per_rank;
  bool closed = false;

  Impl(MPI_Comm comm, const std::string& p, std::int64_t n, const std::array<double, 3>& b,
       const std::array<Boundary, 3>& bc, const TrajectoryOptions& o)
      : ctx(comm, "trajectory", p),
        path(p),
        count(n),
        options(o),
        box(b),
        boundary(bc) {}

  Handle file_access() const {
    Handle fapl(ctx.check(H5Pcreate(H5P_FILE_ACCESS), "cannot create property list"), H5Pclose);
    ctx.check(H5Pset_fapl_mpio(fapl.get(), ctx.comm, MPI_INFO_NULL), "cannot select the MPI-IO driver");
    // One rank writes metadata instead of all of them racing on small writes.
    ctx.check(H5Pset_coll_metadata_write(fapl.get(), 1), "cannot set collective metadata writes");
    return fapl;
  }

  void open_transfers() {
    dxpl = Handle(ctx.check(H5Pcreate(H5P_DATASET_XFER), "cannot create property list"), H5Pclose);
    // Collective transfers are also what parallel HDF5 requires for deflate.
    ctx.check(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), "cannot select collective transfers");
  }

  void create() {
    Handle fapl;
    together(ctx, [&] {
      fapl = file_access();
      open_transfers();
    });
    const hid_t created = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    // A rank that did create the file cannot close it alone (H5Fclose is
    // collective), so on disagreement its handle is abandoned, not closed.
    ctx.agree(created < 0 ? ctx.attempt([&] { ctx.fail("cannot create the file"); }) : std::string());
    file = Handle(created, H5Fclose);
    // Every rank makes the same metadata calls, so they fail together;
    // together() makes sure no rank goes on alone.
    together(ctx, [&] { lay_out(); });
    flush();
  }

  // The groups, attributes and empty datasets of a new trajectory.
  void lay_out() {
    h5::write_h5md_header(ctx, file.get(), STRATA_VERSION);
    Handle all = make_group_path(ctx, file.get(), kAll);
    h5::make_box_group(ctx, all.get(), boundary);

    const hsize_t n = static_cast<hsize_t>(count);
    step = make_series(ctx, all.get(), "position/step", H5T_STD_I64LE, {0}, {kRowsPerChunk}, 0);
    time = make_series(ctx, all.get(), "position/time", H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, 0);
    edges = make_series(ctx, all.get(), "box/edges/value", H5T_IEEE_F64LE, {0, 3, 3}, {kRowsPerChunk, 3, 3}, 0);
    link_clock(all.get(), "box/edges");
    for (const ElementType& e : chosen_elements(options)) {
      const std::string name = e.name;
      if (name != "position") link_clock(all.get(), name);
      const hsize_t rows_per_chunk =
          std::max<hsize_t>(1, std::min<hsize_t>(n, kChunkBytes / (e.bytes * static_cast<std::size_t>(e.components))));
      Handle value = e.components == 3
                         ? make_series(ctx, all.get(), name + "/value", e.file_type, {0, n, 3}, {1, rows_per_chunk, 3},
                                       options.deflate)
                         : make_series(ctx, all.get(), name + "/value", e.file_type, {0, n}, {1, rows_per_chunk},
                                       options.deflate);
      elements.push_back({e, std::move(value)});
    }
    observables = make_group_path(ctx, file.get(), "observables");
  }

  // H5MD lets elements share step and time through hard links: one
  // clock for every particle element and the box.
  void link_clock(hid_t all, const std::string& element) {
    Handle lcpl = link_create_plist(ctx);
    for (const char* what : {"step", "time"}) {
      const std::string src = "position/" + std::string(what), dst = element + "/" + what;
      ctx.check(H5Lcreate_hard(all, src.c_str(), all, dst.c_str(), lcpl.get(), H5P_DEFAULT), "cannot link " + dst);
    }
  }

  // Reopen an earlier run's trajectory and cut it back to resume_step.
  void resume(std::int64_t resume_step) {
    // Rank 0 looks, every rank follows, so all take the same branch.
    int present = 0;
    if (ctx.rank == 0) present = std::filesystem::exists(path) ? 1 : 0;
    MPI_Bcast(&present, 1, MPI_INT, 0, ctx.comm);
    if (!present) return create();

    Handle fapl;
    together(ctx, [&] {
      fapl = file_access();
      open_transfers();
    });
    const hid_t opened = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    ctx.agree(opened < 0 ? ctx.attempt([&] { ctx.fail("cannot open it to resume (not an HDF5 file?)"); })
                         : std::string());
    file = Handle(opened, H5Fclose);

    // Every rank reads the same metadata, so they pass or fail together;
    // together() makes sure of it.
    hsize_t stored_frames = 0;
    together(ctx, [&] {
      if (!exists(file.get(), std::string(kAll) + "/position/value") ||
          !exists(file.get(), std::string(kAll) + "/box/edges/value"))
        ctx.fail("it is not a Strata trajectory (no /particles/all/position/value or box/edges/value)");
      std::vector<std::string> stored{"position"}, wanted;
      for (const char* name : kOptionalElements)
        if (exists(file.get(), std::string(kAll) + "/" + name + "/value")) stored.push_back(name);
      for (const ElementType& e : chosen_elements(options)) wanted.push_back(e.name);
      if (stored != wanted)
        ctx.fail("it stores " + join(stored) + " but this run writes " + join(wanted) +
                 " (use the same output.trajectory_fields to resume)");
      Handle all(ctx.check(H5Gopen2(file.get(), kAll, H5P_DEFAULT), "cannot open /particles/all"), H5Gclose);
      step = open_dataset(ctx, all.get(), "position/step");
      time = open_dataset(ctx, all.get(), "position/time");
      edges = open_dataset(ctx, all.get(), "box/edges/value");
      const std::vector<hsize_t> edge_dims = extent(ctx, edges.get());
      if (edge_dims.size() != 3 || edge_dims[1] != 3 || edge_dims[2] != 3)
        ctx.fail(std::string("its box edges are not [frames][3][3] (a trajectory of an older Strata: ") + kOldLayout +
                 ")");
      stored_frames = std::min(extent(ctx, step.get())[0], extent(ctx, time.get())[0]);
      stored_frames = std::min(stored_frames, extent(ctx, edges.get())[0]);
      for (const ElementType& e : chosen_elements(options)) {
        Handle value = open_dataset(ctx, all.get(), std::string(e.name) + "/value");
        const std::vector<hsize_t> dims = extent(ctx, value.get());
        if (dims.size() < 2 || dims[1] != static_cast<hsize_t>(count))
          ctx.fail("it holds " + std::to_string(dims.size() < 2 ? 0 : dims[1]) + " particles, this run " +
                   std::to_string(count));
        stored_frames = std::min(stored_frames, dims[0]);
        elements.push_back({e, std::move(value)});
      }
    });

    std::vector<std::int64_t> steps;
    std::vector<double> times;
    together(ctx, [&] {
      steps = read_all<std::int64_t>(ctx, step.get(), H5T_NATIVE_INT64, stored_frames, "frame steps");
      times = read_all<double>(ctx, time.get(), H5T_NATIVE_DOUBLE, stored_frames, "frame times");
    });
    const std::size_t keep = rows_to_keep(steps, resume_step);
    for (std::size_t f = 0; f < keep; ++f) frames.emplace_back(steps[f], times[f]);
    std::vector<std::pair<std::string, Series>> kept = open_observables(steps);
    // Checked: now cut everything back to the frames kept.
    const hsize_t rows = keep;
    set_rows(ctx, step.get(), rows, "frame steps");
    set_rows(ctx, time.get(), rows, "frame times");
    set_rows(ctx, edges.get(), rows, "box edges");
    for (auto& e : elements) set_rows(ctx, e.value.get(), rows, e.type.name);
    for (auto& [name, s] : kept) {
      s.rows = rows;
      set_rows(ctx, s.step.get(), rows, "/observables/" + name);
      set_rows(ctx, s.time.get(), rows, "/observables/" + name);
      set_rows(ctx, s.value.get(), rows, "/observables/" + name);
      if (name == kPerRank)
        per_rank = std::move(s);
      else if (name.find('/') == std::string::npos)
        series.emplace(name, std::move(s));
    }
    flush();
  }

  // Every series under /observables (any depth), checked to hold a row for
  // each frame kept, at that frame's step. Files of older Strata have
  // observables at the thermo cadence: appending to those would mix two
  // clocks, so they are refused (before anything is cut).
  std::vector<std::pair<std::string, Series>> open_observables(const std::vector<std::int64_t>& frame_steps) {
    const hsize_t keep = frames.size();
    std::vector<std::string> names;
    together(ctx, [&] {
      if (!exists(file.get(), "/observables")) {
        observables = make_group_path(ctx, file.get(), "observables");
        return;
      }
      observables = Handle(ctx.check(H5Gopen2(file.get(), "observables", H5P_DEFAULT), "cannot open /observables"),
                           H5Gclose);
      // Visiting by name gives every rank the same order of collective calls.
      ctx.check(H5Lvisit(
                    observables.get(), H5_INDEX_NAME, H5_ITER_INC,
                    [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                      const std::string s = name;
                      const std::string tail = "/value";
                      if (s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0)
                        static_cast<std::vector<std::string>*>(out)->push_back(s.substr(0, s.size() - tail.size()));
                      return 0;
                    },
                    &names),
                "cannot list /observables");
    });
    std::vector<std::pair<std::string, Series>> opened;
    for (const std::string& name : names) {
      Series s;
      together(ctx, [&] {
        s.step = open_dataset(ctx, observables.get(), name + "/step");
        s.time = open_dataset(ctx, observables.get(), name + "/time");
        s.value = open_dataset(ctx, observables.get(), name + "/value");
        const std::vector<hsize_t> dims = extent(ctx, s.value.get());
        s.width = dims.size() > 1 ? dims[1] : 0;
        const hsize_t n = std::min({extent(ctx, s.step.get())[0], extent(ctx, s.time.get())[0], dims[0]});
        const auto steps = read_all<std::int64_t>(ctx, s.step.get(), H5T_NATIVE_INT64, std::min(n, keep),
                                                  "/observables/" + name + "/step");
        if (n < keep || !std::equal(steps.begin(), steps.end(), frame_steps.begin()))
          ctx.fail("its /observables/" + name + " does not hold one row per frame (a trajectory of an older Strata: " +
                   kOldLayout + ")");
      });
      opened.emplace_back(name, std::move(s));
    }
    return opened;
  }

  // Collective: one more row of a series; rank 0 supplies the data.
  void append(Series& s, std::int64_t step_value, double time_value, hid_t mem_type, const void* value,
              hsize_t columns, const std::string& what) {
    const hsize_t row = s.rows;
    set_rows(ctx, s.step.get(), row + 1, what);
    set_rows(ctx, s.time.get(), row + 1, what);
    if (columns > s.width) {
      const hsize_t dims[2] = {row + 1, columns};
      collective(ctx, H5Dset_extent(s.value.get(), dims), "cannot widen " + what);
      s.width = columns;
    } else {
      set_rows(ctx, s.value.get(), row + 1, what);
    }
    const hsize_t mine = ctx.rank == 0 ? 1 : 0;
    write_block(ctx, dxpl.get(), s.step.get(), H5T_NATIVE_INT64, {row}, {mine}, &step_value, what);
    write_block(ctx, dxpl.get(), s.time.get(), H5T_NATIVE_DOUBLE, {row}, {mine}, &time_value, what);
    if (columns == 0)
      write_block(ctx, dxpl.get(), s.value.get(), mem_type, {row}, {mine}, value, what);
    else
      write_block(ctx, dxpl.get(), s.value.get(), mem_type, {row, 0}, {mine, columns}, value, what);
    s.rows = row + 1;
  }

  // Rank 0's observables, step and time, on every rank: a rank with a
  // different list would otherwise make different collective calls and hang
  // the job.
  FrameObservables agreed(const FrameObservables& given, std::int64_t& step_value, double& time_value) const {
    std::string names;
    std::vector<double> numbers;
    FrameObservables out;
    out.particles_per_rank = given.particles_per_rank;
    for (const auto& [name, value] : given.values) {
      names += name + '\n';
      numbers.push_back(value);
    }
    unsigned long sizes[3] = {names.size(), numbers.size(), out.particles_per_rank.size()};
    MPI_Bcast(sizes, 3, MPI_UNSIGNED_LONG, 0, ctx.comm);
    names.resize(sizes[0]);
    numbers.resize(sizes[1]);
    out.particles_per_rank.resize(sizes[2]);
    MPI_Bcast(names.data(), static_cast<int>(sizes[0]), MPI_CHAR, 0, ctx.comm);
    MPI_Bcast(numbers.data(), static_cast<int>(sizes[1]), MPI_DOUBLE, 0, ctx.comm);
    MPI_Bcast(out.particles_per_rank.data(), static_cast<int>(sizes[2]), MPI_INT64_T, 0, ctx.comm);
    MPI_Bcast(&step_value, 1, MPI_INT64_T, 0, ctx.comm);
    MPI_Bcast(&time_value, 1, MPI_DOUBLE, 0, ctx.comm);
    for (std::size_t at = 0, k = 0; at < names.size(); ++k) {
      const std::size_t end = names.find('\n', at);
      out.values.emplace_back(names.substr(at, end - at), numbers[k]);
      at = end + 1;
    }
    return out;
  }

  // Names that stay inside /observables, each once, and the same series in
  // every frame: row k of every observable must be frame k. The first frame
  // of a new file creates its series. Throws std::invalid_argument (the
  // same on every rank: the observables are rank 0's).
  void check_observables(const FrameObservables& obs) {
    std::vector<std::string> given;
    for (const auto& [name, value] : obs.values) {
      if (name.empty() || name.find('/') != std::string::npos || name == "strata" || name == "." || name == ".." ||
          name == kPerRank)
        throw std::invalid_argument("observable name '" + name + "' (expected a plain name other than 'strata' and '" +
                                    kPerRank + "')");
      if (std::find(given.begin(), given.end(), name) != given.end())
        throw std::invalid_argument("observable '" + name + "' given twice");
      given.push_back(name);
    }
    const bool counts = !obs.particles_per_rank.empty();
    if (frames.empty() && series.empty() && !per_rank.value) {
      for (const std::string& name : given) create_observable(name);
      if (counts) create_per_rank(obs.particles_per_rank.size());
      return;
    }
    std::vector<std::string> stored;
    for (const auto& [name, s] : series) stored.push_back(name);
    if (per_rank.value) stored.push_back(kPerRank);
    if (counts) given.push_back(kPerRank);
    std::sort(given.begin(), given.end());
    std::sort(stored.begin(), stored.end());
    if (given != stored)
      throw std::invalid_argument("this frame's observables (" + join(given) + ") are not the file's (" +
                                  join(stored) + "): every frame records the same ones, one row each");
  }

  void create_observable(const std::string& name) {
    Series s;
    together(ctx, [&] {
      s.step = make_series(ctx, observables.get(), name + "/step", H5T_STD_I64LE, {0}, {kRowsPerChunk}, 0);
      s.time = make_series(ctx, observables.get(), name + "/time", H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, 0);
      s.value = make_series(ctx, observables.get(), name + "/value", H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, 0);
    });
    series.emplace(name, std::move(s));
  }

  void create_per_rank(hsize_t columns) {
    const std::string base = kPerRank;
    together(ctx, [&] {
      per_rank.step = make_series(ctx, observables.get(), base + "/step", H5T_STD_I64LE, {0}, {kRowsPerChunk}, 0);
      per_rank.time = make_series(ctx, observables.get(), base + "/time", H5T_IEEE_F64LE, {0}, {kRowsPerChunk}, 0);
      // Zero-filled: a resumed run on more ranks widens the rows, and the
      // earlier rows then read 0 for ranks that did not exist.
      per_rank.value = make_series(ctx, observables.get(), base + "/value", H5T_STD_I64LE, {0, columns},
                                   {64, std::min<hsize_t>(columns, 2048)}, 0, true, true);
    });
    per_rank.width = columns;
  }

  // Collective: this frame's row of every observable (checked already).
  void append_observables(const FrameObservables& obs, std::int64_t step_value, double time_value) {
    for (const auto& [name, value] : obs.values)
      append(series.at(name), step_value, time_value, H5T_NATIVE_DOUBLE, &value, 0, "/observables/" + name);
    if (!obs.particles_per_rank.empty())
      append(per_rank, step_value, time_value, H5T_NATIVE_INT64, obs.particles_per_rank.data(),
             obs.particles_per_rank.size(), std::string("/observables/") + kPerRank);
  }

  void flush() { collective(ctx, H5Fflush(file.get(), H5F_SCOPE_LOCAL), "cannot flush the file"); }

  void abandon() {
    for (auto& [name, s] : series) {
      s.step.abandon();
      s.time.abandon();
      s.value.abandon();
    }
    per_rank.step.abandon();
    per_rank.time.abandon();
    per_rank.value.abandon();
    for (auto& e : elements) e.value.abandon();
    observables.abandon();
    edges.abandon();
    time.abandon();
    step.abandon();
    dxpl.abandon();
    file.abandon();
  }
};

TrajectoryFile::TrajectoryFile(MPI_Comm comm, const std::string& path, std::int64_t particle_count,
                               const std::array<double, 3>& box, const std::array<Boundary, 3>& boundary,
                               const TrajectoryOptions& options, std::int64_t resume_step) {
  if (particle_count < 0) throw std::invalid_argument("TrajectoryWriter: negative particle count");
  if (options.deflate < 0 || options.deflate > 9)
    throw std::invalid_argument("TrajectoryWriter: deflate level " + std::to_string(options.deflate) +
                                " (expected 0-9)");
  h5::QuietErrors quiet;
  impl_ = std::make_unique<Impl>(comm, path, particle_count, box, boundary, options);
  if (resume_step >= 0)
    impl_->resume(resume_step);
  else
    impl_->create();
}

TrajectoryFile::~TrajectoryFile() {
  if (!impl_ || impl_->closed) return;
  if (std::uncaught_exceptions() > 0) {
    impl_->abandon();
    return;
  }
  try {
    close();
  } catch (const std::exception& e) {
    if (impl_->ctx.rank == 0) std::fprintf(stderr, "strata: warning: %s\n", e.what());
  }
}

void TrajectoryFile::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  m.closed = true;
  h5::QuietErrors quiet;
  m.series.clear();
  m.per_rank = Series();
  m.elements.clear();
  m.observables.close();
  m.edges.close();
  m.time.close();
  m.step.close();
  m.dxpl.close();
  collective(m.ctx, m.file.close(), "cannot close the file");
}

void TrajectoryFile::agree(const std::string& problem) const {
  impl_->ctx.agree(problem.empty() ? std::string() : impl_->ctx.prefix + problem);
}

void TrajectoryFile::fail_together(const std::string& what) const { throw h5::WriteFailure(impl_->ctx.prefix + what); }

std::vector<TrajectoryFile::Element> TrajectoryFile::elements() const {
  std::vector<Element> out;
  for (const auto& e : impl_->elements) out.push_back({e.type.name, e.type.components});
  return out;
}

void TrajectoryFile::begin_frame(std::int64_t& step, double& time, FrameObservables& observables) {
  Impl& m = *impl_;
  if (m.closed) throw std::logic_error("TrajectoryWriter::write_frame after close()");
  h5::QuietErrors quiet;
  observables = m.agreed(observables, step, time);
  m.check_observables(observables);  // throws on every rank alike, before any write
  const hsize_t frame = m.frames.size();
  set_rows(m.ctx, m.step.get(), frame + 1, "frame steps");
  set_rows(m.ctx, m.time.get(), frame + 1, "frame times");
  set_rows(m.ctx, m.edges.get(), frame + 1, "box edges");
  for (auto& e : m.elements) set_rows(m.ctx, e.value.get(), frame + 1, e.type.name);
}

void TrajectoryFile::write_rows(std::size_t element, std::int64_t first, std::int64_t rows, const void* values) {
  Impl& m = *impl_;
  h5::QuietErrors quiet;
  const hsize_t frame = m.frames.size();
  const auto& e = m.elements.at(element);
  const hsize_t f = static_cast<hsize_t>(first), n = static_cast<hsize_t>(rows);
  if (e.type.components == 3)
    write_block(m.ctx, m.dxpl.get(), e.value.get(), e.type.mem_type, {frame, f, 0}, {1, n, 3}, values, e.type.name);
  else
    write_block(m.ctx, m.dxpl.get(), e.value.get(), e.type.mem_type, {frame, f}, {1, n}, values, e.type.name);
}

void TrajectoryFile::end_frame(std::int64_t step, double time, const std::array<double, 3>& box,
                               const FrameObservables& observables) {
  Impl& m = *impl_;
  h5::QuietErrors quiet;
  const Ctx& ctx = m.ctx;
  const hsize_t frame = m.frames.size();
  m.append_observables(observables, step, time);
  // The clock last: a frame killed half-way has no step yet, and resume drops
  // it (and its observables rows, cut back to the frames kept).
  const hsize_t mine = ctx.rank == 0 ? 1 : 0;
  const double matrix[9] = {box[0], 0.0, 0.0, 0.0, box[1], 0.0, 0.0, 0.0, box[2]};
  write_block(ctx, m.dxpl.get(), m.edges.get(), H5T_NATIVE_DOUBLE, {frame, 0, 0}, {mine, 3, 3}, matrix, "box edges");
  write_block(ctx, m.dxpl.get(), m.time.get(), H5T_NATIVE_DOUBLE, {frame}, {mine}, &time, "frame time");
  write_block(ctx, m.dxpl.get(), m.step.get(), H5T_NATIVE_INT64, {frame}, {mine}, &step, "frame step");
  m.flush();
  m.frames.emplace_back(step, time);
}

const std::vector<std::pair<std::int64_t, double>>& TrajectoryFile::frames() const { return impl_->frames; }
const TrajectoryOptions& TrajectoryFile::options() const { return impl_->options; }
const std::string& TrajectoryFile::path() const { return impl_->path; }
const std::array<double, 3>& TrajectoryFile::box() const { return impl_->box; }
const std::array<Boundary, 3>& TrajectoryFile::boundary() const { return impl_->boundary; }

}  // namespace strata
