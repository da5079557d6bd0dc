#include "io/H5mdReader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <limits>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/BoxEdges.hpp"
#include "io/H5Handle.hpp"
#include "core/InputError.hpp"

namespace strata {
namespace {

using h5::Handle;

// Bounds the staging buffers (24 MiB per vector field) whatever the file holds.
constexpr hsize_t kRowsPerRead = hsize_t(1) << 20;
const char* const kExpected =
    "an H5MD file with /particles/<group>/position/value and box/edges (edge lengths or a diagonal matrix)";

// An H5MD element: a time-dependent group (step/time/value) or a plain
// dataset. `rows` is the particle (or box) axis of its value dataset.
struct Element {
  Handle value;
  bool timed = false;
  std::vector<hsize_t> dims;
  hsize_t rows() const { return dims[timed ? 1 : 0]; }
};

class H5mdFile {
 public:
  explicit H5mdFile(const std::string& path) : path_(path) {
    std::string problem;
    file_ = h5::open_for_reading(path, problem);
    if (!file_) fail(problem);
    Handle particles = open_object(file_.get(), "particles", H5I_GROUP);
    if (!particles) fail("no /particles group");
    group_ = first_group(particles.get());
    if (!group_) fail("no group under /particles");

    position_ = open_element("position", 3);
    if (!position_.timed) fail("no " + where("position/value"));
    count_ = position_.rows();
    read_box();
  }

  const std::string& path() const { return path_; }
  hsize_t count() const { return count_; }
  const std::array<double, 3>& box() const { return box_; }
  const Element& position() const { return position_; }

  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_, 0, what, kExpected); }

  std::string where(const std::string& name) const { return "/particles/" + group_name_ + "/" + name; }

  // An absent element gives an Element whose value is not open.
  // `components` is 3 for per-particle vectors and 1 for scalars.
  Element open_element(const char* name, int components) const {
    Element e;
    Handle obj = open_object(group_.get(), name, H5I_BADID);
    if (!obj) return e;
    if (H5Iget_type(obj.get()) == H5I_GROUP) {
      e.timed = true;
      e.value = open_object(obj.get(), "value", H5I_DATASET);
      if (!e.value) fail("no " + where(name) + "/value dataset");
    } else if (H5Iget_type(obj.get()) == H5I_DATASET) {
      e.value = std::move(obj);
    } else {
      fail(where(name) + " is neither a group nor a dataset");
    }
    e.dims = dims_of(e.value.get());
    const std::size_t want_rank = (e.timed ? 1 : 0) + (components == 3 ? 2 : 1);
    if (e.dims.size() != want_rank || (components == 3 && e.dims.back() != 3) || (e.timed && e.dims[0] == 0))
      fail(where(name) + (e.timed ? "/value" : "") + " has shape " + shape(e.dims) + ", not " +
           (e.timed ? "[frames>0]" : "") + "[particles]" + (components == 3 ? "[3]" : ""));
    return e;
  }

  // Rows [lo, lo + m) of the element's last frame.
  void read_rows(const Element& e, const char* name, hsize_t lo, hsize_t m, int components, hid_t mem_type,
                 void* out) const {
    std::vector<hsize_t> start, count;
    if (e.timed) {
      start.push_back(e.dims[0] - 1);
      count.push_back(1);
    }
    start.push_back(lo);
    count.push_back(m);
    if (components == 3) {
      start.push_back(0);
      count.push_back(3);
    }
    Handle file_space(H5Dget_space(e.value.get()), H5Sclose);
    // Shaped like the selection, so HDF5 maps it onto chunks block by block
    // (element by element otherwise, several times slower).
    Handle mem_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
    if (!file_space || !mem_space ||
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
        H5Dread(e.value.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out) < 0)
      fail("cannot read " + where(name) + " as numbers");
  }

 private:
  static Handle open_object(hid_t parent, const char* name, H5I_type_t want) {
    if (H5Lexists(parent, name, H5P_DEFAULT) <= 0) return {};
    Handle obj(H5Oopen(parent, name, H5P_DEFAULT), H5Oclose);
    if (obj && want != H5I_BADID && H5Iget_type(obj.get()) != want) return {};
    return obj;
  }

  Handle first_group(hid_t particles) {
    H5G_info_t info;
    if (H5Gget_info(particles, &info) < 0) return {};
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len = H5Lget_name_by_idx(particles, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) continue;
      std::string name(static_cast<std::size_t>(len) + 1, '\0');
      H5Lget_name_by_idx(particles, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
      name.resize(static_cast<std::size_t>(len));
      Handle g = open_object(particles, name.c_str(), H5I_GROUP);
      if (g) {
        group_name_ = name;
        return g;
      }
    }
    return {};
  }

  static std::vector<hsize_t> dims_of(hid_t dset) {
    Handle space(H5Dget_space(dset), H5Sclose);
    const int rank = space ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0) return {};
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  static std::string shape(const std::vector<hsize_t>& dims) {
    std::string s;
    for (hsize_t d : dims) s += "[" + std::to_string(d) + "]";
    return s.empty() ? "[]" : s;
  }

  // Edges are fixed ([3] lengths or a [3][3] matrix) or time-dependent
  // ([frames][3] or [frames][3][3]: LAMMPS with a changing box, Strata's
  // trajectories); the last frame's is taken.
  void read_box() {
    Handle box = open_object(group_.get(), "box", H5I_GROUP);
    if (!box) fail("no " + where("box") + " group");
    Element edges;
    Handle obj = open_object(box.get(), "edges", H5I_BADID);
    if (obj && H5Iget_type(obj.get()) == H5I_GROUP) {
      edges.timed = true;
      edges.value = open_object(obj.get(), "value", H5I_DATASET);
    } else if (obj && H5Iget_type(obj.get()) == H5I_DATASET) {
      edges.value = std::move(obj);
    }
    if (!edges.value) fail("no " + where("box/edges"));
    edges.dims = dims_of(edges.value.get());
    std::vector<hsize_t> item(edges.dims.begin() + (edges.timed && !edges.dims.empty() ? 1 : 0), edges.dims.end());
    const bool lengths = item == std::vector<hsize_t>{3}, matrix = item == std::vector<hsize_t>{3, 3};
    if ((!lengths && !matrix) || (edges.timed && edges.dims[0] == 0))
      fail(where("box/edges") + " has shape " + shape(edges.dims) + ", not " + (edges.timed ? "[frames>0]" : "") +
           "[3] edge lengths or a " + (edges.timed ? "[frames>0]" : "") + "[3][3] matrix");
    std::vector<hsize_t> start(edges.dims.size(), 0), count = edges.dims;
    if (edges.timed) {
      start[0] = edges.dims[0] - 1;
      count[0] = 1;
    }
    std::vector<double> values(lengths ? 3 : 9);
    Handle file_space(H5Dget_space(edges.value.get()), H5Sclose);
    Handle mem_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
    if (!file_space || !mem_space ||
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
        H5Dread(edges.value.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT,
                values.data()) < 0)
      fail("cannot read " + where("box/edges") + " as numbers");
    const std::string problem = h5::cuboid_edges(values, box_);
    if (!problem.empty()) fail(where("box/edges") + " is " + problem);
  }

  std::string path_;
  std::string group_name_;
  Handle file_;
  Handle group_;
  Element position_;
  hsize_t count_ = 0;
  std::array<double, 3> box_{};
};

// Wraps x into [0, L) and returns how many box lengths were removed; the
// second and third steps catch rounding at the edges.
int wrap_coordinate(double& x, double L) {
  double k = std::floor(x / L);
  x -= k * L;
  if (x < 0.0) {
    x += L;
    k -= 1.0;
  }
  if (x >= L) {
    x -= L;
    k += 1.0;
  }
  return static_cast<int>(k);
}

}  // namespace

H5mdInfo read_h5md_info(const std::string& path) {
  h5::QuietErrors quiet;
  H5mdFile f(path);
  return H5mdInfo{static_cast<std::int64_t>(f.count()), f.box()};
}

H5mdSlabRead read_h5md_slab(const std::string& path, int axis, double lo, double hi, bool wrap) {
  if (axis < 0 || axis > 2) throw std::invalid_argument("read_h5md_slab: axis must be 0, 1 or 2");
  const double inf = std::numeric_limits<double>::infinity();
  std::array<double, 3> blo{-inf, -inf, -inf}, bhi{inf, inf, inf};
  std::array<bool, 3> bwrap{false, false, false};
  blo[axis] = lo;
  bhi[axis] = hi;
  bwrap[axis] = wrap;
  return read_h5md_brick(path, blo, bhi, bwrap);
}

H5mdSlabRead read_h5md_brick(const std::string& path, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                             const std::array<bool, 3>& wrap) {
  h5::QuietErrors quiet;
  H5mdFile f(path);
  const hsize_t n = f.count();
  const Element velocity = f.open_element("velocity", 3);
  const Element id = f.open_element("id", 1);
  const Element species = f.open_element("species", 1);
  const Element image = f.open_element("image", 3);
  const std::pair<const Element*, const char*> optional[] = {
      {&velocity, "velocity"}, {&id, "id"}, {&species, "species"}, {&image, "image"}};
  for (const auto& [e, name] : optional)
    if (e->value && e->rows() != n)
      f.fail(f.where(name) + " has " + std::to_string(e->rows()) + " particles but position has " +
             std::to_string(n));

  H5mdSlabRead out;
  out.box = f.box();
  out.total = static_cast<std::int64_t>(n);
  const std::array<double, 3> L = f.box();

  const hsize_t rows = std::min(n, kRowsPerRead);
  std::vector<double> h_pos(3 * rows), h_vel;
  std::vector<std::int64_t> h_id;
  std::vector<int> h_species, h_image, shift(3 * rows);
  std::vector<char> keep(rows);
  for (hsize_t first = 0; first < n; first += rows) {
    const hsize_t m = std::min(rows, n - first);
    f.read_rows(f.position(), "position", first, m, 3, H5T_NATIVE_DOUBLE, h_pos.data());
    hsize_t kept = 0;
    for (hsize_t i = 0; i < m; ++i) {
      keep[i] = true;
      for (int d = 0; d < 3; ++d) {
        double& x = h_pos[3 * i + static_cast<hsize_t>(d)];
        shift[3 * i + d] = wrap[d] && L[d] > 0.0 ? wrap_coordinate(x, L[d]) : 0;
        keep[i] = keep[i] && lo[d] <= x && x < hi[d];
      }
      kept += keep[i] ? 1 : 0;
    }
    if (kept == 0) continue;  // skip reading the other fields of this block

    if (velocity.value) {
      h_vel.resize(3 * m);
      f.read_rows(velocity, "velocity", first, m, 3, H5T_NATIVE_DOUBLE, h_vel.data());
    }
    if (id.value) {
      h_id.resize(m);
      f.read_rows(id, "id", first, m, 1, H5T_NATIVE_INT64, h_id.data());
    }
    if (species.value) {
      h_species.resize(m);
      f.read_rows(species, "species", first, m, 1, H5T_NATIVE_INT, h_species.data());
    }
    if (image.value) {
      h_image.resize(3 * m);
      f.read_rows(image, "image", first, m, 3, H5T_NATIVE_INT, h_image.data());
    }
    for (hsize_t i = 0; i < m; ++i) {
      if (!keep[i]) continue;
      out.position.insert(out.position.end(), &h_pos[3 * i], &h_pos[3 * i] + 3);
      if (velocity.value) out.velocity.insert(out.velocity.end(), &h_vel[3 * i], &h_vel[3 * i] + 3);
      out.id.push_back(id.value ? h_id[i] : static_cast<std::int64_t>(first + i));
      out.species.push_back(species.value ? h_species[i] : 0);
      if (image.value) {
        for (int d = 0; d < 3; ++d) h_image[3 * i + static_cast<hsize_t>(d)] += shift[3 * i + d];
        out.image.insert(out.image.end(), &h_image[3 * i], &h_image[3 * i] + 3);
      }
    }
  }
  return out;
}

}  // namespace strata
