// Reading checkpoints back: the meta (serial, any rank), the particles
// (collective, any number of ranks), and finding the newest usable one.
// Every check names the file and what is wrong with it as an InputError.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/Agreement.hpp"
#include "io/BoxEdges.hpp"
#include "io/Checkpoint.hpp"
#include "io/CheckpointFormat.hpp"
#include "io/H5Handle.hpp"
#include "io/RowChecksum.hpp"
#include "core/InputError.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
namespace format = checkpoint_format;
using h5::Handle;

// Bounds the staging buffers (24 MiB per vector field) whatever a rank reads.
constexpr hsize_t kRowsPerRead = hsize_t(1) << 20;

std::string expected() {
  return "a complete Strata checkpoint of format version " + std::to_string(format::kVersion);
}

std::string shape(const std::vector<hsize_t>& dims) {
  std::string s;
  for (hsize_t d : dims) s += "[" + std::to_string(d) + "]";
  return s.empty() ? "[]" : s;
}

// One dataset the integrity table lists.
struct Recorded {
  std::string path;
  std::vector<hsize_t> dims;
  std::vector<std::uint64_t> checksum;  // one per writing rank
};

// An open checkpoint whose structure, meta and small datasets have been
// checked; the particle datasets are read (and their checksums checked) by
// the caller.
class CheckpointFile {
 public:
  explicit CheckpointFile(const std::string& path) : path_(path) {
    std::string problem;
    file_ = h5::open_for_reading(path, problem);
    if (!file_) fail(problem);
    if (H5Lexists(file_.get(), "strata", H5P_DEFAULT) <= 0) fail("not a Strata checkpoint (no /strata group)");
    strata_ = Handle(H5Gopen2(file_.get(), "strata", H5P_DEFAULT), H5Gclose);
    if (!strata_) fail("cannot open /strata" + h5::error_detail());
    check_version();
    read_attributes();
    read_integrity_table();
    check_shapes();
    verify_small_datasets();
    read_meta_datasets();
  }

  const CheckpointMeta& meta() const { return meta_; }

  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_, 0, what, expected()); }

  bool has(const std::string& path) const {
    return std::any_of(recorded_.begin(), recorded_.end(), [&](const Recorded& r) { return r.path == path; });
  }

  const Recorded& find(const std::string& path) const {
    for (const auto& r : recorded_)
      if (r.path == path) return r;
    fail("its integrity table does not cover " + path);
  }

  // Rows [first, first + m) of a [1][N][components] or [1][N] particle dataset.
  void read_rows(const std::string& path, hsize_t first, hsize_t m, int components, hid_t mem_type,
                 void* out) const {
    if (m == 0) return;
    Handle dset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose);
    std::vector<hsize_t> start{0, first}, count{1, m};
    if (components == 3) {
      start.push_back(0);
      count.push_back(3);
    }
    Handle file_space(dset ? H5Dget_space(dset.get()) : -1, H5Sclose);
    // Shaped like the selection, so HDF5 maps it onto chunks block by block
    // (element by element otherwise, several times slower).
    Handle mem_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
    if (!dset || !file_space || !mem_space ||
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
        H5Dread(dset.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out) < 0)
      fail("cannot read " + path + h5::error_detail());
  }

 private:
  // The attribute `name` of /strata converted to `mem_type`.
  void read_attribute(const char* name, hid_t mem_type, void* out) const {
    if (H5Aexists(strata_.get(), name) <= 0) fail(std::string("/strata has no attribute ") + name);
    Handle attr(H5Aopen(strata_.get(), name, H5P_DEFAULT), H5Aclose);
    if (!attr || H5Aread(attr.get(), mem_type, out) < 0)
      fail(std::string("cannot read attribute /strata/") + name + h5::error_detail());
  }

  std::vector<std::string> read_string_attribute(const char* name) const {
    if (H5Aexists(strata_.get(), name) <= 0) fail(std::string("/strata has no attribute ") + name);
    Handle attr(H5Aopen(strata_.get(), name, H5P_DEFAULT), H5Aclose);
    Handle type(attr ? H5Aget_type(attr.get()) : -1, H5Tclose);
    Handle space(attr ? H5Aget_space(attr.get()) : -1, H5Sclose);
    if (!type || !space || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) != 0)
      fail(std::string("/strata/") + name + " is not a fixed-length string attribute");
    const std::size_t width = H5Tget_size(type.get());
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    std::vector<char> buf(width * static_cast<std::size_t>(std::max<hssize_t>(n, 0)) + 1, '\0');
    if (n < 0 || H5Aread(attr.get(), type.get(), buf.data()) < 0)
      fail(std::string("cannot read attribute /strata/") + name + h5::error_detail());
    std::vector<std::string> values;
    for (hssize_t i = 0; i < n; ++i) {
      const char* s = &buf[static_cast<std::size_t>(i) * width];
      values.emplace_back(s, strnlen(s, width));
    }
    return values;
  }

  void check_version() const {
    if (H5Aexists(strata_.get(), "format_version") <= 0)
      fail("not a Strata checkpoint (no /strata format_version attribute)");
    int version = 0;
    read_attribute("format_version", H5T_NATIVE_INT, &version);
    if (version != format::kVersion)
      fail("checkpoint format version " + std::to_string(version) + ", but this build of Strata reads only version " +
           std::to_string(format::kVersion));
  }

  void read_attributes() {
    read_attribute("step", H5T_NATIVE_INT64, &meta_.step);
    read_attribute("time", H5T_NATIVE_DOUBLE, &meta_.time);
    read_attribute("particle_count", H5T_NATIVE_INT64, &meta_.particle_count);
    read_attribute("seed", H5T_NATIVE_UINT64, &meta_.seed);
    read_attribute("slab_axis", H5T_NATIVE_INT, &meta_.slab_axis);
    read_attribute("ranks", H5T_NATIVE_INT, &meta_.ranks);
    const std::vector<std::string> version = read_string_attribute("code_version");
    if (version.size() != 1) fail("/strata/code_version is not one string");
    meta_.code_version = version[0];
    const std::vector<std::string> boundary = read_string_attribute("boundary");
    if (boundary.size() != 3) fail("/strata/boundary does not hold 3 boundaries");
    for (int d = 0; d < 3; ++d) {
      if (boundary[d] == "periodic")
        meta_.boundary[d] = Boundary::Periodic;
      else if (boundary[d] == "reflecting")
        meta_.boundary[d] = Boundary::Reflecting;
      else
        fail("/strata/boundary holds unknown boundary '" + boundary[d] + "'");
    }
    if (meta_.ranks < 1) fail("/strata/ranks is " + std::to_string(meta_.ranks) + ", not a rank count");
    if (meta_.particle_count < 0) fail("/strata/particle_count is negative");
    if (meta_.slab_axis < 0 || meta_.slab_axis > 2) fail("/strata/slab_axis is not 0, 1 or 2");
  }

  Handle open_dataset(const std::string& path) const {
    // H5Lexists on a path needs every intermediate link to exist; check each.
    std::size_t slash = 0;
    while ((slash = path.find('/', slash + 1)) != std::string::npos)
      if (H5Lexists(file_.get(), path.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) fail(path + " is missing");
    if (H5Lexists(file_.get(), path.c_str(), H5P_DEFAULT) <= 0) fail(path + " is missing");
    Handle dset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dset) fail("cannot open " + path + h5::error_detail());
    return dset;
  }

  static std::vector<hsize_t> dims_of(hid_t dset) {
    Handle space(H5Dget_space(dset), H5Sclose);
    const int rank = space ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0) return {};
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  // The whole dataset's bytes as stored (read with its own file type, so no
  // conversion), which is what its checksum was taken of.
  std::vector<unsigned char> read_raw(const std::string& path, std::size_t& elem_bytes) const {
    Handle dset = open_dataset(path);
    Handle type(H5Dget_type(dset.get()), H5Tclose);
    if (!type) fail("cannot read the type of " + path + h5::error_detail());
    elem_bytes = H5Tget_size(type.get());
    hsize_t n = 1;
    for (hsize_t d : dims_of(dset.get())) n *= d;
    std::vector<unsigned char> bytes(std::max<std::size_t>(1, n * elem_bytes));
    if (n > 0 && H5Dread(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) < 0)
      fail("cannot read " + path + h5::error_detail());
    bytes.resize(n * elem_bytes);
    return bytes;
  }

  // A small dataset of `elem_bytes`-byte elements, read whole after its
  // checksum has been verified (verify_small_datasets).
  template <class T>
  std::vector<T> read_numbers(const std::string& path, hid_t mem_type) const {
    Handle dset = open_dataset(path);
    hsize_t n = 1;
    for (hsize_t d : dims_of(dset.get())) n *= d;
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      fail("cannot read " + path + h5::error_detail());
    return out;
  }

  std::vector<std::string> read_string_dataset(const std::string& path) const {
    std::size_t width = 0;
    const std::vector<unsigned char> bytes = read_raw(path, width);
    std::vector<std::string> values;
    for (std::size_t at = 0; width > 0 && at + width <= bytes.size(); at += width) {
      const char* s = reinterpret_cast<const char*>(&bytes[at]);
      // Null-terminated: the last byte is the terminator, earlier ones are text.
      values.emplace_back(s, width - 1);
      const std::size_t end = values.back().find_last_not_of('\0');
      values.back().resize(end == std::string::npos ? 0 : end + 1);
    }
    return values;
  }

  void read_integrity_table() {
    const std::string where = "/strata/integrity/";
    const std::vector<std::string> paths = read_string_dataset(where + "path");
    const std::size_t D = paths.size(), P = static_cast<std::size_t>(meta_.ranks);
    Handle shape_set = open_dataset(where + "shape"), checksum_set = open_dataset(where + "checksum");
    if (dims_of(shape_set.get()) != std::vector<hsize_t>{D, format::kMaxDims})
      fail(where + "shape has shape " + shape(dims_of(shape_set.get())) + " for " + std::to_string(D) + " datasets");
    if (dims_of(checksum_set.get()) != std::vector<hsize_t>{D, P})
      fail(where + "checksum has shape " + shape(dims_of(checksum_set.get())) + " for " + std::to_string(D) +
           " datasets and " + std::to_string(P) + " ranks");
    const auto shapes = read_numbers<std::int64_t>(where + "shape", H5T_NATIVE_INT64);
    const auto checksums = read_numbers<std::uint64_t>(where + "checksum", H5T_NATIVE_UINT64);
    for (std::size_t d = 0; d < D; ++d) {
      Recorded r{paths[d], {}, {}};
      for (int k = 0; k < format::kMaxDims && shapes[d * format::kMaxDims + k] >= 0; ++k)
        r.dims.push_back(static_cast<hsize_t>(shapes[d * format::kMaxDims + k]));
      r.checksum.assign(checksums.begin() + static_cast<std::ptrdiff_t>(d * P),
                        checksums.begin() + static_cast<std::ptrdiff_t>((d + 1) * P));
      recorded_.push_back(std::move(r));
    }
  }

  // Every dataset has the shape recorded for it, and the records agree with
  // the meta: what a truncated write or a foreign file would get wrong.
  void check_shapes() const {
    for (const auto& r : recorded_) {
      Handle dset = open_dataset(r.path);
      const std::vector<hsize_t> dims = dims_of(dset.get());
      if (dims != r.dims) fail(r.path + " has shape " + shape(dims) + " but " + shape(r.dims) + " was written");
    }
    const hsize_t N = static_cast<hsize_t>(meta_.particle_count), P = static_cast<hsize_t>(meta_.ranks);
    auto require = [&](const std::string& path, const std::vector<hsize_t>& dims) {
      const Recorded& r = find(path);
      if (r.dims != dims) fail(path + " has shape " + shape(r.dims) + ", not " + shape(dims));
    };
    for (const auto& d : format::kParticleDatasets)
      require(d.path, d.components == 3 ? std::vector<hsize_t>{1, N, 3} : std::vector<hsize_t>{1, N});
    // Strata writes the edge lengths; the matrix form H5MD also allows is read too.
    const std::vector<hsize_t> edges = find("/particles/all/box/edges").dims;
    if (edges != std::vector<hsize_t>{3} && edges != std::vector<hsize_t>{3, 3})
      fail("/particles/all/box/edges has shape " + shape(edges) + ", not [3] or [3][3]");
    require("/strata/rank_counts", {P});
    if (has("/strata/grid")) {
      require("/strata/grid", {3});
      const std::vector<hsize_t> planes = find("/strata/planes").dims;
      if (planes.size() != 1) fail("/strata/planes is not a list of planes");
    } else {
      require("/strata/slab_bounds", {P + 1});
    }
    require("/strata/deck", {1});
    const std::vector<hsize_t> K = find("/strata/integrator/name").dims;
    require("/strata/integrator/value", K);
  }

  void verify_small_datasets() const {
    for (const auto& r : recorded_) {
      auto is_row_data = [&](const format::ParticleDataset& d) { return r.path == d.path; };
      const bool row_data =
          std::any_of(std::begin(format::kParticleDatasets), std::end(format::kParticleDatasets), is_row_data) ||
          std::any_of(std::begin(format::kResumeDatasets), std::end(format::kResumeDatasets), is_row_data);
      if (row_data) continue;  // verified as they are read (read_checkpoint_rows / _resume)
      std::size_t elem_bytes = 0;
      const std::vector<unsigned char> bytes = read_raw(r.path, elem_bytes);
      const std::size_t rows = r.dims.empty() ? 0 : r.dims[0];
      const std::size_t row_bytes = rows == 0 ? 0 : bytes.size() / rows;
      std::uint64_t want = 0;
      for (std::uint64_t c : r.checksum) want += c;
      if (rows_checksum(bytes.data(), row_bytes, rows, 0) != want) fail("checksum mismatch in " + r.path);
    }
  }

  // The writer's grid and planes; older files hold slabs along slab_axis.
  void read_grid() {
    if (has("/strata/grid")) {
      const std::vector<std::int64_t> grid = read_numbers<std::int64_t>("/strata/grid", H5T_NATIVE_INT64);
      std::int64_t product = 1;
      for (int d = 0; d < 3; ++d) {
        if (grid[d] < 1 || grid[d] > meta_.ranks) fail("/strata/grid holds " + std::to_string(grid[d]) + " ranks along an axis");
        meta_.grid[d] = static_cast<int>(grid[d]);
        product *= grid[d];
      }
      if (product != meta_.ranks) fail("/strata/grid does not multiply to /strata/ranks");
      meta_.planes = read_numbers<double>("/strata/planes", H5T_NATIVE_DOUBLE);
      if (meta_.planes.size() != static_cast<std::size_t>(meta_.grid[0] + meta_.grid[1] + meta_.grid[2] + 3))
        fail("/strata/planes does not hold px + py + pz + 3 planes");
      return;
    }
    const std::vector<double> bounds = read_numbers<double>("/strata/slab_bounds", H5T_NATIVE_DOUBLE);
    meta_.grid = {1, 1, 1};
    meta_.grid[meta_.slab_axis] = meta_.ranks;
    meta_.planes.clear();
    for (int d = 0; d < 3; ++d) {
      if (d == meta_.slab_axis)
        meta_.planes.insert(meta_.planes.end(), bounds.begin(), bounds.end());
      else
        meta_.planes.insert(meta_.planes.end(), {0.0, meta_.box[d]});
    }
  }

  void read_meta_datasets() {
    meta_.rank_counts = read_numbers<std::int64_t>("/strata/rank_counts", H5T_NATIVE_INT64);
    std::int64_t sum = 0;
    for (std::int64_t c : meta_.rank_counts) {
      if (c < 0) fail("/strata/rank_counts holds a negative count");
      sum += c;
    }
    if (sum != meta_.particle_count)
      fail("/strata/rank_counts adds up to " + std::to_string(sum) + " particles, not particle_count " +
           std::to_string(meta_.particle_count));
    const std::string problem =
        h5::cuboid_edges(read_numbers<double>("/particles/all/box/edges", H5T_NATIVE_DOUBLE), meta_.box);
    if (!problem.empty()) fail("/particles/all/box/edges is " + problem);
    read_grid();
    const std::vector<std::string> deck = read_string_dataset("/strata/deck");
    meta_.deck_text = deck.at(0);
    if (has("/strata/deck_overrides")) {
      const std::string joined = read_string_dataset("/strata/deck_overrides").at(0);
      for (std::size_t at = 0; at < joined.size();) {
        const std::size_t end = std::min(joined.find('\n', at), joined.size());
        meta_.deck_overrides.push_back(joined.substr(at, end - at));
        at = end + 1;
      }
    }
    if (has("/strata/deck_path")) meta_.deck_path = read_string_dataset("/strata/deck_path").at(0);
    const std::vector<std::string> names = read_string_dataset("/strata/integrator/name");
    const std::vector<double> values = read_numbers<double>("/strata/integrator/value", H5T_NATIVE_DOUBLE);
    for (std::size_t k = 0; k < names.size(); ++k) meta_.integrator[names[k]] = values[k];
  }

  std::string path_;
  Handle file_;
  Handle strata_;
  CheckpointMeta meta_;
  std::vector<Recorded> recorded_;
};

// Runs `f` on every rank; if it throws on any, every rank throws the same
// InputError (the lowest failing rank's), so none is left in a collective.
template <class F>
void agree_on_input(MPI_Comm comm, const std::string& path, F&& f) {
  std::string problem, wanted = expected();
  bool failed = false;
  try {
    f();
  } catch (const InputError& e) {
    failed = true;
    problem = e.problem();
    wanted = e.expected();
  } catch (const std::exception& e) {
    failed = true;
    problem = e.what();
  }
  // Problem and expectation travel as one message: "problem\nexpected".
  const std::string first = first_error(comm, failed ? problem + '\n' + wanted : std::string());
  if (first.empty()) return;
  const std::size_t cut = first.rfind('\n');
  throw InputError(path, 0, first.substr(0, cut), first.substr(cut + 1));
}

// Reads file rows [first, first + n) into `p` and adds their row checksums
// to `sums` ([dataset][writing rank], the writer found from `offsets`).
class ShareReader {
 public:
  ShareReader(const CheckpointFile& f, const std::vector<hsize_t>& offsets, std::vector<std::uint64_t>& sums)
      : f_(f), offsets_(offsets), sums_(sums) {}

  void read(hsize_t first, hsize_t n, Particles& p) {
    // With redistribute's spare room, a restart on the writer's layout keeps
    // these very views.
    p.allocate(startup_capacity(n));
    p.size = n;
    auto h_position = Kokkos::create_mirror_view(p.position);
    auto h_velocity = Kokkos::create_mirror_view(p.velocity);
    auto h_origin = Kokkos::create_mirror_view(p.origin);
    auto h_image = Kokkos::create_mirror_view(p.image);
    auto h_id = Kokkos::create_mirror_view(p.id);
    auto h_species = Kokkos::create_mirror_view(p.species);
    for (hsize_t lo = 0; lo < n; lo += kRowsPerRead) {
      const hsize_t m = std::min(kRowsPerRead, n - lo);
      // In the order of format::kParticleDatasets, which indexes `sums`.
      block(0, first + lo, m, H5T_NATIVE_DOUBLE, doubles_, [&](std::size_t i, const double* v) {
        for (int c = 0; c < 3; ++c) h_position(lo + i, c) = v[c];
      });
      block(1, first + lo, m, H5T_NATIVE_DOUBLE, doubles_, [&](std::size_t i, const double* v) {
        for (int c = 0; c < 3; ++c) h_velocity(lo + i, c) = v[c];
      });
      block(2, first + lo, m, H5T_NATIVE_FLOAT, floats_, [&](std::size_t i, const float* v) {
        for (int c = 0; c < 3; ++c) h_origin(lo + i, c) = v[c];
      });
      block(3, first + lo, m, H5T_NATIVE_INT, ints_, [&](std::size_t i, const int* v) {
        for (int c = 0; c < 3; ++c) h_image(lo + i, c) = v[c];
      });
      block(4, first + lo, m, H5T_NATIVE_INT64, ids_, [&](std::size_t i, const std::int64_t* v) { h_id(lo + i) = *v; });
      block(5, first + lo, m, H5T_NATIVE_INT, ints_, [&](std::size_t i, const int* v) { h_species(lo + i) = *v; });
    }
    Kokkos::deep_copy(p.position, h_position);
    Kokkos::deep_copy(p.velocity, h_velocity);
    Kokkos::deep_copy(p.origin, h_origin);
    Kokkos::deep_copy(p.image, h_image);
    Kokkos::deep_copy(p.id, h_id);
    Kokkos::deep_copy(p.species, h_species);
  }

 private:
  // Rows [row, row + m) of particle dataset `k`; store(i, values of row i).
  template <class T, class Store>
  void block(std::size_t k, hsize_t row, hsize_t m, hid_t mem_type, std::vector<T>& buf, Store&& store) {
    const int components = format::kParticleDatasets[k].components;
    buf.resize(m * static_cast<hsize_t>(components));
    f_.read_rows(format::kParticleDatasets[k].path, row, m, components, mem_type, buf.data());
    const std::size_t row_bytes = sizeof(T) * static_cast<std::size_t>(components);
    const std::size_t P = offsets_.size() - 1;
    // The writers whose rows this block spans, each adding to its own sum.
    std::size_t w = static_cast<std::size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), row) - offsets_.begin()) - 1;
    for (hsize_t at = row; at < row + m; ++w) {
      const hsize_t end = std::min(row + m, offsets_[w + 1]);
      sums_[k * P + w] += rows_checksum(&buf[(at - row) * static_cast<hsize_t>(components)], row_bytes, end - at, at);
      at = end;
    }
    for (hsize_t i = 0; i < m; ++i) store(i, &buf[i * static_cast<hsize_t>(components)]);
  }

  const CheckpointFile& f_;
  const std::vector<hsize_t>& offsets_;
  std::vector<std::uint64_t>& sums_;
  std::vector<double> doubles_;
  std::vector<float> floats_;
  std::vector<int> ints_;
  std::vector<std::int64_t> ids_;
};

std::string warning(const fs::path& path, const std::string& why) {
  return "strata: warning: skipping damaged checkpoint " + path.string() + ": " + why;
}

}  // namespace

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  h5::QuietErrors quiet;
  return CheckpointFile(path).meta();
}

Particles read_checkpoint_rows(MPI_Comm comm, const std::string& path) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  h5::QuietErrors quiet;
  std::unique_ptr<CheckpointFile> f;
  agree_on_input(comm, path, [&] { f = std::make_unique<CheckpointFile>(path); });
  const CheckpointMeta& meta = f->meta();
  const std::size_t writers = static_cast<std::size_t>(meta.ranks);

  std::vector<hsize_t> offsets(writers + 1, 0);  // writer w wrote rows [offsets[w], offsets[w + 1])
  for (std::size_t w = 0; w < writers; ++w) offsets[w + 1] = offsets[w] + static_cast<hsize_t>(meta.rank_counts[w]);
  hsize_t first = 0, n = 0;
  if (static_cast<std::size_t>(P) == writers) {
    first = offsets[static_cast<std::size_t>(rank)];
    n = offsets[static_cast<std::size_t>(rank) + 1] - first;
  } else {
    const hsize_t N = offsets.back(), r = static_cast<hsize_t>(rank), share = N / static_cast<hsize_t>(P),
                  extra = N % static_cast<hsize_t>(P);
    first = r * share + std::min(r, extra);
    n = share + (r < extra ? 1 : 0);
  }

  constexpr std::size_t kDatasets = std::size(format::kParticleDatasets);
  std::vector<std::uint64_t> sums(kDatasets * writers, 0), totals(sums.size(), 0);
  Particles p;
  agree_on_input(comm, path, [&] { ShareReader(*f, offsets, sums).read(first, n, p); });
  MPI_Allreduce(sums.data(), totals.data(), static_cast<int>(sums.size()), MPI_UINT64_T, MPI_SUM, comm);
  // Every rank holds the same totals, so every rank finds the same mismatch.
  for (std::size_t k = 0; k < kDatasets; ++k) {
    const Recorded& r = f->find(format::kParticleDatasets[k].path);
    for (std::size_t w = 0; w < writers; ++w)
      if (totals[k * writers + w] != r.checksum[w])
        f->fail("checksum mismatch in " + r.path + " (the rows rank " + std::to_string(w) + " wrote)");
  }
  f.reset();
  return p;
}

bool read_checkpoint_resume(MPI_Comm comm, const std::string& path, ResumeRows& out) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  h5::QuietErrors quiet;
  std::unique_ptr<CheckpointFile> f;
  agree_on_input(comm, path, [&] { f = std::make_unique<CheckpointFile>(path); });
  const CheckpointMeta& meta = f->meta();
  if (!f->has(format::kResumeDatasets[0].path)) return false;  // the same answer on every rank: one file
  if (meta.ranks != P)
    throw std::invalid_argument("read_checkpoint_resume: written on " + std::to_string(meta.ranks) + " ranks, read on " +
                                std::to_string(P));
  hsize_t first = 0;
  for (int w = 0; w < rank; ++w) first += static_cast<hsize_t>(meta.rank_counts[static_cast<std::size_t>(w)]);
  const hsize_t n = static_cast<hsize_t>(meta.rank_counts[static_cast<std::size_t>(rank)]);
  ResumeRows rows;
  rows.position = Vec3View(Kokkos::view_alloc(std::string("resume_position"), Kokkos::WithoutInitializing), n);
  rows.image = IntVec3View(Kokkos::view_alloc(std::string("resume_image"), Kokkos::WithoutInitializing), n);
  rows.build_position = Vec3View(Kokkos::view_alloc(std::string("build_position"), Kokkos::WithoutInitializing), n);
  agree_on_input(comm, path, [&] {
    std::vector<double> doubles(3 * n);
    std::vector<int> ints(3 * n);
    auto load = [&](std::size_t k, auto& buf, hid_t mem_type, auto& view) {
      const format::ParticleDataset& d = format::kResumeDatasets[k];
      f->read_rows(d.path, first, n, 3, mem_type, buf.data());
      const std::size_t row_bytes = sizeof(buf[0]) * 3;
      if (rows_checksum(buf.data(), row_bytes, n, first) != f->find(d.path).checksum[static_cast<std::size_t>(rank)])
        f->fail(std::string("checksum mismatch in ") + d.path + " (the rows rank " + std::to_string(rank) + " wrote)");
      auto h = Kokkos::create_mirror_view(view);
      for (hsize_t i = 0; i < n; ++i)
        for (int c = 0; c < 3; ++c) h(i, c) = buf[3 * i + static_cast<hsize_t>(c)];
      Kokkos::deep_copy(view, h);
    };
    load(0, doubles, H5T_NATIVE_DOUBLE, rows.position);
    load(1, ints, H5T_NATIVE_INT, rows.image);
    load(2, doubles, H5T_NATIVE_DOUBLE, rows.build_position);
  });
  out = rows;
  return true;
}

std::string find_latest_checkpoint(const std::string& output_dir, std::vector<std::string>& warnings) {
  const fs::path dir = fs::path(output_dir) / "checkpoints";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  std::vector<std::pair<std::int64_t, fs::path>> candidates;
  std::vector<fs::path> temps;
  // Never throws: the caller runs it on one rank while the others wait.
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::int64_t step = 0;
    if (format::parse_file_name(name, step))
      candidates.emplace_back(step, it->path());
    else if (format::is_temp_name(name))
      temps.push_back(it->path());
  }
  std::sort(temps.begin(), temps.end());
  for (const auto& t : temps) warnings.push_back(warning(t, "a temporary file left by an unfinished write"));
  std::sort(candidates.rbegin(), candidates.rend());  // newest first
  for (const auto& candidate : candidates) {
    const fs::path& path = candidate.second;
    try {
      read_checkpoint_meta(path.string());
      return path.string();
    } catch (const InputError& e) {
      warnings.push_back(warning(path, e.problem()));
    } catch (const std::exception& e) {
      warnings.push_back(warning(path, e.what()));
    }
  }
  return {};
}

}  // namespace strata
