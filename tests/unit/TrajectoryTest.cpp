// TrajectoryWriter: the H5MD time series a run appends to. Correct at any
// rank count: every value is derived from (particle id, frame), and which
// rank holds which particle changes from frame to frame, as in a run.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/TrajectoryWriter.hpp"
#include "tests/unit/MpiTestSupport.hpp"

namespace strata {
namespace {

using test::all_ranks;
using test::comm_rank;
using test::comm_size;

const std::array<double, 3> kBox{10.0, 12.5, 7.25};
const std::array<Boundary, 3> kPeriodic{Boundary::Periodic, Boundary::Periodic, Boundary::Periodic};

// Long mantissas and a sign that depends on the frame: a lossy or misplaced
// write changes them.
double position_of(std::int64_t id, int frame, int c) {
  return std::fmod(0.6180339887498949 * static_cast<double>(id + 1) * (c + 1.37) + 0.1 * frame, kBox[c]);
}
double velocity_of(std::int64_t id, int frame, int c) { return std::sin(1.3 * static_cast<double>(id) + c) - frame; }
int image_of(std::int64_t id, int frame, int c) { return static_cast<int>(id % 7) - 3 + 100 * c + frame; }
int species_of(std::int64_t id) { return static_cast<int>(id % 3); }
double force_of(std::int64_t id, int frame, int c) { return 1e-3 * static_cast<double>(id * 3 + c) - 7.0 * frame; }

// The particles this rank holds in `frame`: ids i with (i + frame) % P ==
// rank, in descending order, so both the split and the row order change.
Particles particles_for(std::int64_t n, int frame) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = n - 1; i >= 0; --i)
    if ((i + frame) % comm_size() == comm_rank()) ids.push_back(i);
  Particles p;
  p.allocate(ids.size() + 3, true);  // spare rows must not reach the file
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_vel = Kokkos::create_mirror_view(p.velocity);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_sp = Kokkos::create_mirror_view(p.species);
  auto h_f = Kokkos::create_mirror_view(p.force);
  for (std::size_t i = 0; i < p.capacity(); ++i) {
    const bool live = i < ids.size();
    const std::int64_t id = live ? ids[i] : -1;
    for (int c = 0; c < 3; ++c) {
      h_pos(i, c) = live ? position_of(id, frame, c) : -999.0;
      h_vel(i, c) = live ? velocity_of(id, frame, c) : -999.0;
      h_img(i, c) = live ? image_of(id, frame, c) : -999;
      h_f(i, c) = live ? force_of(id, frame, c) : -999.0;
    }
    h_id(i) = id;
    h_sp(i) = live ? species_of(id) : -999;
  }
  Kokkos::deep_copy(p.position, h_pos);
  Kokkos::deep_copy(p.velocity, h_vel);
  Kokkos::deep_copy(p.image, h_img);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_sp);
  Kokkos::deep_copy(p.force, h_f);
  p.size = ids.size();
  return p;
}

TrajectoryOptions all_fields() {
  TrajectoryOptions o;
  o.velocity = o.image = o.id = o.species = o.force = true;
  return o;
}

// Serial reads of a closed file, on any rank.
class Reader {
 public:
  explicit Reader(const std::string& path) : f_(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~Reader() {
    if (f_ >= 0) H5Fclose(f_);
  }
  bool ok() const { return f_ >= 0; }
  bool has(const std::string& name) const {
    std::size_t at = 1;
    for (;;) {
      const std::size_t slash = name.find('/', at);
      if (H5Lexists(f_, name.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
      if (slash == std::string::npos) return true;
      at = slash + 1;
    }
  }
  std::vector<hsize_t> dims(const std::string& name) const {
    hid_t d = H5Dopen2(f_, name.c_str(), H5P_DEFAULT);
    if (d < 0) return {};
    hid_t s = H5Dget_space(d);
    std::vector<hsize_t> out(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)));
    H5Sget_simple_extent_dims(s, out.data(), nullptr);
    H5Sclose(s);
    H5Dclose(d);
    return out;
  }
  template <class T>
  std::vector<T> read(const std::string& name, hid_t mem_type) const {
    const std::vector<hsize_t> shape = dims(name);
    if (shape.empty()) return {};
    const hsize_t n = std::accumulate(shape.begin(), shape.end(), hsize_t(1), std::multiplies<hsize_t>());
    std::vector<T> out(std::max<hsize_t>(n, 1));
    hid_t d = H5Dopen2(f_, name.c_str(), H5P_DEFAULT);
    if (n > 0) H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    H5Dclose(d);
    out.resize(n);
    return out;
  }
  std::vector<double> doubles(const std::string& name) const { return read<double>(name, H5T_NATIVE_DOUBLE); }
  std::vector<std::int64_t> int64s(const std::string& name) const { return read<std::int64_t>(name, H5T_NATIVE_INT64); }
  std::vector<int> ints(const std::string& name) const { return read<int>(name, H5T_NATIVE_INT); }
  hid_t file() const { return f_; }

 private:
  hid_t f_;
};

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class F>
bool throws_naming(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    const bool named = std::string(e.what()).find(needle) != std::string::npos;
    if (!named) ADD_FAILURE() << e.what();
    return named;
  }
  return false;
}

// Checks frames [0, frames) of every element against the formulas.
void expect_frames(const std::string& file, std::int64_t n, int frames, const std::vector<int>& frame_ids) {
  Reader r(file);
  ASSERT_TRUE(r.ok()) << file;
  const hsize_t F = static_cast<hsize_t>(frames), N = static_cast<hsize_t>(n);
  EXPECT_EQ(r.dims("/particles/all/position/value"), (std::vector<hsize_t>{F, N, 3}));
  const auto pos = r.doubles("/particles/all/position/value");
  const auto vel = r.doubles("/particles/all/velocity/value");
  const auto img = r.ints("/particles/all/image/value");
  const auto ids = r.int64s("/particles/all/id/value");
  const auto sp = r.ints("/particles/all/species/value");
  const auto force = r.doubles("/particles/all/force/value");
  ASSERT_EQ(pos.size(), F * N * 3);
  ASSERT_EQ(force.size(), F * N * 3);
  ASSERT_EQ(vel.size(), F * N * 3);
  ASSERT_EQ(img.size(), F * N * 3);
  ASSERT_EQ(ids.size(), F * N);
  ASSERT_EQ(sp.size(), F * N);
  std::size_t bad = 0;
  for (int f = 0; f < frames; ++f) {
    const int frame = frame_ids[static_cast<std::size_t>(f)];
    for (std::int64_t id = 0; id < n; ++id) {
      const std::size_t row = static_cast<std::size_t>(f) * N + static_cast<std::size_t>(id);
      bool ok = ids[row] == id && sp[row] == species_of(id);
      for (int c = 0; c < 3; ++c)
        ok = ok && same_bits(pos[3 * row + c], position_of(id, frame, c)) &&
             same_bits(vel[3 * row + c], velocity_of(id, frame, c)) && img[3 * row + c] == image_of(id, frame, c) &&
             same_bits(force[3 * row + c], force_of(id, frame, c));
      if (!ok && ++bad <= 5) ADD_FAILURE() << "frame " << f << ": row " << id << " does not hold particle " << id;
    }
  }
  EXPECT_EQ(bad, 0u);
}

class TrajectoryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()) << "no temporary directory"; }
  std::string path(const std::string& name) const { return dir_.path(name); }
  test::SharedTempDir dir_{"strata_trajectory"};
};

TEST_F(TrajectoryTest, FramesLandInIdOrderWhateverTheRankSplit) {
  const std::string file = path("order.h5");
  const std::int64_t n = 7 * comm_size() + 3;
  TrajectoryOptions o = all_fields();
  o.rows_per_write = 2;  // several collective writes per frame
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, o);
    for (int f = 0; f < 3; ++f) w.write_frame(particles_for(n, f), 100 * f, 0.5 * f);
    w.close();
  }
  expect_frames(file, n, 3, {0, 1, 2});
  Reader r(file);
  EXPECT_EQ(r.int64s("/particles/all/position/step"), (std::vector<std::int64_t>{0, 100, 200}));
  EXPECT_EQ(r.doubles("/particles/all/species/time"), (std::vector<double>{0.0, 0.5, 1.0}));
  // One diagonal matrix per frame: the form every H5MD reader understands.
  EXPECT_EQ(r.dims("/particles/all/box/edges/value"), (std::vector<hsize_t>{3, 3, 3}));
  const auto edges = r.doubles("/particles/all/box/edges/value");
  const std::vector<double> matrix{kBox[0], 0, 0, 0, kBox[1], 0, 0, 0, kBox[2]};
  for (int f = 0; f < 3; ++f)
    EXPECT_EQ(std::vector<double>(edges.begin() + 9 * f, edges.begin() + 9 * (f + 1)), matrix) << "frame " << f;
}

// Between neighbour-list rebuilds a run holds positions up to a skin
// outside the box; what is written lies in [0, L) on periodic axes, and the
// image counts move with it so position + image * L is unchanged.
TEST_F(TrajectoryTest, PositionsAreWrittenWrappedWithImagesThatKeepTheUnwrappedPosition) {
  const std::string file = path("wrapped.h5");
  const std::int64_t n = 6 * comm_size() + 1;
  const std::array<Boundary, 3> mixed{Boundary::Periodic, Boundary::Periodic, Boundary::Reflecting};
  // Shifted by whole and fractional boxes both ways, x by two boxes and more.
  const double shift[3] = {-2.0 * kBox[0] - 0.75, kBox[1] + 0.5, 3.0};
  Particles p = particles_for(n, 0);
  auto h_pos = Kokkos::create_mirror_view(p.position);
  Kokkos::deep_copy(h_pos, p.position);
  for (std::size_t i = 0; i < p.size; ++i)
    for (int c = 0; c < 3; ++c) h_pos(i, c) += (i % 2 == 0 ? 1.0 : -1.0) * shift[c];
  Kokkos::deep_copy(p.position, h_pos);
  auto before = Kokkos::create_mirror_view(p.position);
  Kokkos::deep_copy(before, p.position);
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, mixed, all_fields());
    w.write_frame(p, 0, 0.0);
  }
  // The particles themselves are left as they were.
  auto after = Kokkos::create_mirror_view(p.position);
  Kokkos::deep_copy(after, p.position);
  for (std::size_t i = 0; i < p.size; ++i)
    for (int c = 0; c < 3; ++c) EXPECT_TRUE(same_bits(after(i, c), before(i, c)));

  Reader r(file);
  const auto pos = r.doubles("/particles/all/position/value");
  const auto img = r.ints("/particles/all/image/value");
  ASSERT_EQ(pos.size(), static_cast<std::size_t>(3 * n));
  ASSERT_EQ(img.size(), pos.size());
  std::size_t bad = 0;
  for (std::int64_t id = 0; id < n; ++id) {
    // particles_for(n, 0) holds ids in descending order on each rank: the
    // row parity, hence the sign, is recomputed from the same split.
    const std::int64_t row = (n - 1 - id) / comm_size();
    const double sign = row % 2 == 0 ? 1.0 : -1.0;
    for (int c = 0; c < 3; ++c) {
      const std::size_t k = static_cast<std::size_t>(3 * id + c);
      const double unwrapped = position_of(id, 0, c) + sign * shift[c] + kBox[c] * image_of(id, 0, c);
      const bool inside = c == 2 ? pos[k] == position_of(id, 0, c) + sign * shift[c]  // reflecting: as it was
                                 : 0.0 <= pos[k] && pos[k] < kBox[c];
      const bool kept = std::abs(pos[k] + kBox[c] * img[k] - unwrapped) <= 1e-12 * kBox[c] * (std::abs(img[k]) + 1);
      if ((!inside || !kept) && ++bad <= 5)
        ADD_FAILURE() << "id " << id << " axis " << c << ": written " << pos[k] << " image " << img[k]
                      << ", unwrapped " << unwrapped;
    }
  }
  EXPECT_EQ(bad, 0u);
}

TEST_F(TrajectoryTest, ElementsShareOneClockAndFollowH5md) {
  const std::string file = path("layout.h5");
  const std::int64_t n = 2 * comm_size();
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields());
    w.write_frame(particles_for(n, 0), 0, 0.0);
  }
  Reader r(file);
  ASSERT_TRUE(r.ok());
  int version[2] = {0, 0};
  hid_t a = H5Aopen_by_name(r.file(), "/h5md", "version", H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(a, 0);
  H5Aread(a, H5T_NATIVE_INT, version);
  H5Aclose(a);
  EXPECT_EQ(version[0], 1);
  EXPECT_EQ(version[1], 1);
  EXPECT_TRUE(r.has("/h5md/author"));
  EXPECT_TRUE(r.has("/observables"));
  // One step dataset, reached from every element (hard links, not copies).
  H5O_info_t first{}, other{};
  H5Oget_info_by_name(r.file(), "/particles/all/position/step", &first, H5P_DEFAULT);
  for (const char* e : {"velocity", "image", "id", "species", "force", "box/edges"}) {
    const std::string name = std::string("/particles/all/") + e + "/step";
    ASSERT_GE(H5Oget_info_by_name(r.file(), name.c_str(), &other, H5P_DEFAULT), 0) << name;
    EXPECT_EQ(first.addr, other.addr) << name;
  }
  hid_t d = H5Dopen2(r.file(), "/particles/all/position/value", H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  hsize_t dims[3], maxdims[3];
  H5Sget_simple_extent_dims(s, dims, maxdims);
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED) << "frames must be appendable";
  hid_t dcpl = H5Dget_create_plist(d);
  hsize_t chunk[3] = {0, 0, 0};
  EXPECT_EQ(H5Pget_chunk(dcpl, 3, chunk), 3);
  EXPECT_EQ(chunk[0], 1u) << "one frame per chunk";
  EXPECT_LE(chunk[1] * chunk[2] * 8, hsize_t(1) << 20);
  H5Pclose(dcpl);
  H5Sclose(s);
  H5Dclose(d);
}

TEST_F(TrajectoryTest, OnlyTheChosenElementsAreStored) {
  const std::string file = path("position_only.h5");
  const std::int64_t n = 3;
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, TrajectoryOptions{});
    w.write_frame(particles_for(n, 0), 0, 0.0);
  }
  Reader r(file);
  EXPECT_TRUE(r.has("/particles/all/position/value"));
  for (const char* e : {"velocity", "image", "id", "species", "force"})
    EXPECT_FALSE(r.has(std::string("/particles/all/") + e)) << e;
}

TEST_F(TrajectoryTest, AFrameIsReadableOnceTheWriterIsGone) {
  // No close(): the destructor alone must leave a complete file.
  const std::string file = path("destroyed.h5");
  const std::int64_t n = 5 * comm_size();
  { TrajectoryWriter(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields()).write_frame(particles_for(n, 4), 7, 0.07); }
  expect_frames(file, n, 1, {4});
}

FrameObservables observables_of(int k) {
  FrameObservables o;
  o.values = {{"kinetic_energy", 1.5 + k}, {"msd", 0.25 * k}};
  for (int r = 0; r < comm_size(); ++r) o.particles_per_rank.push_back(10 * k + r);
  return o;
}

TEST_F(TrajectoryTest, ObservablesHaveOneRowPerFrameAtItsStep) {
  const std::string file = path("observables.h5");
  const int P = comm_size();
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, 4, kBox, kPeriodic, TrajectoryOptions{});
    for (int k = 0; k < 3; ++k) w.write_frame(particles_for(4, k), 50 * k, 0.5 * k, observables_of(k));
  }
  Reader r(file);
  EXPECT_EQ(r.int64s("/observables/kinetic_energy/step"), (std::vector<std::int64_t>{0, 50, 100}));
  EXPECT_EQ(r.doubles("/observables/kinetic_energy/time"), (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_EQ(r.doubles("/observables/kinetic_energy/value"), (std::vector<double>{1.5, 2.5, 3.5}));
  EXPECT_EQ(r.doubles("/observables/msd/value"), (std::vector<double>{0.0, 0.25, 0.5}));
  const std::string ppr = "/observables/particles_per_rank/";
  EXPECT_EQ(r.dims(ppr + "value"), (std::vector<hsize_t>{3, static_cast<hsize_t>(P)}));
  const auto counts = r.int64s(ppr + "value");
  for (int k = 0; k < 3; ++k)
    for (int rk = 0; rk < P; ++rk) EXPECT_EQ(counts[static_cast<std::size_t>(k * P + rk)], 10 * k + rk);
  EXPECT_EQ(r.int64s(ppr + "step"), (std::vector<std::int64_t>{0, 50, 100}));
  EXPECT_EQ(r.int64s("/particles/all/position/step"), (std::vector<std::int64_t>{0, 50, 100}));
}

TEST_F(TrajectoryTest, ParticlesPerRankWidensWithZerosForRanksThatDidNotExist) {
  const std::string file = path("widen.h5");
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, 1, kBox, kPeriodic, TrajectoryOptions{});
    const std::vector<std::vector<std::int64_t>> counts{{7}, {3, 4, 5}, {9, 8}};
    for (int k = 0; k < 3; ++k) w.write_frame(particles_for(1, 0), k, 0.1 * k, FrameObservables{{}, counts[k]});
  }
  Reader r(file);
  EXPECT_EQ(r.dims("/observables/particles_per_rank/value"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(r.int64s("/observables/particles_per_rank/value"),
            (std::vector<std::int64_t>{7, 0, 0, 3, 4, 5, 9, 8, 0}));
  EXPECT_FALSE(r.has("/observables/kinetic_energy"));
}

// A frame whose observables differ from the earlier frames' would leave
// some series a row short, and a reader indexing them by frame would run
// past their end: refused before anything of the frame is written.
TEST_F(TrajectoryTest, EveryFrameMustRecordTheSameObservables) {
  const std::string file = path("same_observables.h5");
  const std::int64_t n = comm_size();
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, TrajectoryOptions{});
    w.write_frame(particles_for(n, 0), 0, 0.0, observables_of(0));
    FrameObservables fewer = observables_of(1), more = observables_of(1), no_counts = observables_of(1);
    fewer.values.pop_back();
    more.values.emplace_back("pressure", 1.0);
    no_counts.particles_per_rank.clear();
    for (const FrameObservables& bad : {fewer, more, no_counts, FrameObservables{}})
      EXPECT_THROW(w.write_frame(particles_for(n, 1), 10, 0.1, bad), std::invalid_argument);
    // In another order is the same set.
    FrameObservables reordered = observables_of(1);
    std::swap(reordered.values[0], reordered.values[1]);
    w.write_frame(particles_for(n, 1), 10, 0.1, reordered);
  }
  Reader r(file);
  EXPECT_EQ(r.int64s("/particles/all/position/step"), (std::vector<std::int64_t>{0, 10}));
  for (const char* name : {"kinetic_energy", "msd", "particles_per_rank"})
    EXPECT_EQ(r.int64s(std::string("/observables/") + name + "/step"), (std::vector<std::int64_t>{0, 10})) << name;
  EXPECT_EQ(r.doubles("/observables/kinetic_energy/value"), (std::vector<double>{1.5, 2.5}));
}

TEST_F(TrajectoryTest, ObservableNamesThatWouldLeaveTheirGroupAreRefused) {
  TrajectoryWriter w(MPI_COMM_WORLD, path("names.h5"), 1, kBox, kPeriodic, TrajectoryOptions{});
  const Particles p = particles_for(1, 0);
  for (const char* bad : {"", "a/b", "strata", "particles_per_rank"})
    EXPECT_THROW(w.write_frame(p, 0, 0.0, FrameObservables{{{bad, 1.0}}, {}}), std::invalid_argument) << bad;
  EXPECT_THROW(w.write_frame(p, 0, 0.0, FrameObservables{{{"e", 1.0}, {"e", 2.0}}, {}}), std::invalid_argument);
  EXPECT_TRUE(w.frames().empty());
}

// Frames with their observables at steps 0, 10, 20, 30 (frame ids 0-3);
// resumed, only the steps after resume_step.
void write_run(const std::string& file, std::int64_t n, std::int64_t resume_step = -1) {
  TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields(), resume_step);
  for (int step = 0; step <= 30; step += 10) {
    if (step <= resume_step) continue;
    w.write_frame(particles_for(n, step / 10), step, 0.1 * step, FrameObservables{{{"kinetic_energy", step + 0.5}}, {step}});
  }
}

TEST_F(TrajectoryTest, ResumeDropsEverythingAfterTheCheckpointStep) {
  const std::string file = path("resume.h5");
  const std::int64_t n = 3 * comm_size() + 1;
  write_run(file, n);
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields(), 15);
    using Frames = std::vector<std::pair<std::int64_t, double>>;
    EXPECT_EQ(w.frames(), (Frames{{0, 0.0}, {10, 1.0}}));
  }
  expect_frames(file, n, 2, {0, 1});
  Reader r(file);
  EXPECT_EQ(r.int64s("/particles/all/position/step"), (std::vector<std::int64_t>{0, 10}));
  EXPECT_EQ(r.dims("/particles/all/box/edges/value"), (std::vector<hsize_t>{2, 3, 3}));
  EXPECT_EQ(r.int64s("/observables/kinetic_energy/step"), (std::vector<std::int64_t>{0, 10}));
  EXPECT_EQ(r.dims("/observables/kinetic_energy/value"), (std::vector<hsize_t>{2}));
  EXPECT_EQ(r.int64s("/observables/particles_per_rank/step"), (std::vector<std::int64_t>{0, 10}));
}

// A frame killed half-way (its observables written, its step not) is
// dropped on resume together with its observables rows.
TEST_F(TrajectoryTest, ResumeDropsAHalfWrittenFrameWithItsObservables) {
  const std::string file = path("half.h5");
  const std::int64_t n = 2 * comm_size();
  write_run(file, n);
  if (comm_rank() == 0) {
    // Frame 3 (step 30) as a kill before the clock would leave it: a step
    // row extended but never written (0 here: unwritten rows read as 0).
    hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "/particles/all/position/step", H5P_DEFAULT);
    hid_t space = H5Dget_space(d);
    const hsize_t row = 3, one = 1;
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &row, nullptr, &one, nullptr);
    hid_t mem = H5Screate_simple(1, &one, nullptr);
    const std::int64_t unwritten = 0;
    H5Dwrite(d, H5T_NATIVE_INT64, mem, space, H5P_DEFAULT, &unwritten);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields(), 30);
    EXPECT_EQ(w.frames().size(), 3u);
  }
  Reader r(file);
  for (const char* name : {"/particles/all/position/step", "/observables/kinetic_energy/step",
                           "/observables/particles_per_rank/step"})
    EXPECT_EQ(r.int64s(name), (std::vector<std::int64_t>{0, 10, 20})) << name;
  EXPECT_EQ(r.dims("/observables/kinetic_energy/value"), (std::vector<hsize_t>{3}));
}

// A trajectory of an older Strata (box edges [F][3], observables at the
// thermo cadence) cannot be continued in this layout: refused by name, and
// left as it was.
TEST_F(TrajectoryTest, ResumeRefusesTheOlderLayoutAndLeavesItAlone) {
  const std::int64_t n = 2 * comm_size();
  const std::string thermo_rows = path("old_observables.h5"), vector_box = path("old_box.h5");
  write_run(thermo_rows, n);
  write_run(vector_box, n);
  if (comm_rank() == 0) {
    hid_t f = H5Fopen(thermo_rows.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const std::int64_t steps[4] = {0, 5, 10, 15};  // every 5 steps, frames every 10
    hid_t d = H5Dopen2(f, "/observables/kinetic_energy/step", H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, steps);
    H5Dclose(d);
    H5Fclose(f);
    f = H5Fopen(vector_box.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(f, "/particles/all/box/edges/value", H5P_DEFAULT);
    const hsize_t dims[2] = {4, 3};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    d = H5Dcreate2(f, "/particles/all/box/edges/value", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] { TrajectoryWriter(MPI_COMM_WORLD, thermo_rows, n, kBox, kPeriodic, all_fields(), 10); },
      "/observables/kinetic_energy does not hold one row per frame")));
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] { TrajectoryWriter(MPI_COMM_WORLD, vector_box, n, kBox, kPeriodic, all_fields(), 10); },
      "box edges are not [frames][3][3]")));
  expect_frames(thermo_rows, n, 4, {0, 1, 2, 3});
  Reader r(thermo_rows);
  EXPECT_EQ(r.int64s("/observables/kinetic_energy/step"), (std::vector<std::int64_t>{0, 5, 10, 15}));
}

TEST_F(TrajectoryTest, ResumedRunEqualsAnUninterruptedOne) {
  const std::int64_t n = 4 * comm_size();
  const std::string straight = path("straight.h5"), resumed = path("resumed.h5");
  write_run(straight, n);
  write_run(resumed, n);              // ran on to step 30 ...
  write_run(resumed, n, 10);          // ... but resumes from the checkpoint at 10: 15-30 again
  Reader a(straight), b(resumed);
  for (const char* name : {"/particles/all/position/value", "/particles/all/velocity/value",
                           "/particles/all/position/time", "/observables/kinetic_energy/value"})
    EXPECT_EQ(a.doubles(name), b.doubles(name)) << name;
  for (const char* name : {"/particles/all/position/step", "/particles/all/id/value", "/observables/kinetic_energy/step",
                           "/observables/particles_per_rank/value"})
    EXPECT_EQ(a.int64s(name), b.int64s(name)) << name;
  EXPECT_EQ(a.ints("/particles/all/image/value"), b.ints("/particles/all/image/value"));
}

TEST_F(TrajectoryTest, ResumeWithoutAFileStartsANewTrajectory) {
  const std::string file = path("fresh.h5");
  const std::int64_t n = 2 * comm_size();
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields(), 40);
    EXPECT_TRUE(w.frames().empty());
    w.write_frame(particles_for(n, 5), 50, 5.0);
  }
  expect_frames(file, n, 1, {5});
}

TEST_F(TrajectoryTest, ResumeRefusesATrajectoryOfAnotherSystem) {
  const std::string file = path("other.h5");
  const std::int64_t n = 2 * comm_size();
  { TrajectoryWriter(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields()).write_frame(particles_for(n, 0), 0, 0.0); }
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] { TrajectoryWriter(MPI_COMM_WORLD, file, n + 1, kBox, kPeriodic, all_fields(), 0); }, "particles")));
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] { TrajectoryWriter(MPI_COMM_WORLD, file, n, kBox, kPeriodic, TrajectoryOptions{}, 0); }, "stores")));
  const std::string text = path("not_hdf5.h5");
  if (comm_rank() == 0) std::ofstream(text) << "not HDF5\n";
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(all_ranks(throws_naming(
      [&] { TrajectoryWriter(MPI_COMM_WORLD, text, n, kBox, kPeriodic, all_fields(), 0); }, text)));
  // The refused files are untouched.
  expect_frames(file, n, 1, {0});
}

TEST_F(TrajectoryTest, IdsThatAreNotZeroToNMinusOneAreRefusedOnEveryRank) {
  const std::string file = path("bad_ids.h5");
  const std::int64_t n = 3 * comm_size();
  TrajectoryWriter w(MPI_COMM_WORLD, file, n + 1, kBox, kPeriodic, TrajectoryOptions{});  // one particle short
  EXPECT_TRUE(all_ranks(throws_naming([&] { w.write_frame(particles_for(n, 0), 0, 0.0); }, file)));
}

TEST_F(TrajectoryTest, StoringForcesOfParticlesWithoutForcesIsRefusedOnEveryRank) {
  const std::string file = path("no_forces.h5");
  Particles p;
  p.allocate(comm_rank() == 0 ? 1 : 0);  // no force view: a run without interactions
  auto h_id = Kokkos::create_mirror_view(p.id);
  if (comm_rank() == 0) h_id(0) = 0;
  Kokkos::deep_copy(p.id, h_id);
  p.size = comm_rank() == 0 ? 1 : 0;
  TrajectoryOptions o;
  o.force = true;
  TrajectoryWriter w(MPI_COMM_WORLD, file, 1, kBox, kPeriodic, o);
  EXPECT_TRUE(all_ranks(throws_naming([&] { w.write_frame(p, 0, 0.0); }, "forces")));
}

TEST_F(TrajectoryTest, DeflateCompressesAndReadsBackExactly) {
  const std::string packed = path("deflate.h5");
  const std::int64_t n = 2000;
  TrajectoryOptions o = all_fields();
  o.deflate = 6;
  o.rows_per_write = 300;  // chunks shared between ranks' blocks
  {
    TrajectoryWriter w(MPI_COMM_WORLD, packed, n, kBox, kPeriodic, o);
    for (int f = 0; f < 2; ++f) w.write_frame(particles_for(n, f), f, 1.0 * f);
  }
  expect_frames(packed, n, 2, {0, 1});
  Reader r(packed);
  hid_t d = H5Dopen2(r.file(), "/particles/all/species/value", H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist(d);
  unsigned flags = 0, level = 0;
  std::size_t nvalues = 1;
  char name[32];
  ASSERT_EQ(H5Pget_nfilters(dcpl), 1);
  EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &nvalues, &level, sizeof name, name, nullptr), H5Z_FILTER_DEFLATE);
  EXPECT_EQ(level, 6u);
  // Species cycle 0, 1, 2: deflate must shrink them well below raw size.
  EXPECT_LT(H5Dget_storage_size(d), 2u * n * 4 / 4) << "raw: " << 2u * n * 4;
  H5Pclose(dcpl);
  H5Dclose(d);
}

}  // namespace
}  // namespace strata
