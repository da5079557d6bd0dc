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
  EXPECT_EQ(r.dims("/particles/all/box/edges/value"), (std::vector<hsize_t>{3, 3}));
  const auto edges = r.doubles("/particles/all/box/edges/value");
  EXPECT_EQ(std::vector<double>(edges.begin() + 6, edges.end()), std::vector<double>(kBox.begin(), kBox.end()));
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

TEST_F(TrajectoryTest, ObservablesGrowOneRowPerCall) {
  const std::string file = path("observables.h5");
  const int P = comm_size();
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, 4, kBox, kPeriodic, TrajectoryOptions{});
    for (int k = 0; k < 3; ++k) {
      std::vector<std::int64_t> per_rank(static_cast<std::size_t>(P));
      for (int r = 0; r < P; ++r) per_rank[static_cast<std::size_t>(r)] = 10 * k + r;
      w.write_observables(50 * k, 0.5 * k, {{"kinetic_energy", 1.5 + k}, {"msd", 0.25 * k}}, per_rank);
      if (k < 2) w.write_frame(particles_for(4, k), 50 * k, 0.5 * k);
    }
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
  EXPECT_EQ(r.dims("/particles/all/position/value")[0], 2u) << "frames are counted apart from observables";
}

TEST_F(TrajectoryTest, ParticlesPerRankWidensWithZerosForRanksThatDidNotExist) {
  const std::string file = path("widen.h5");
  {
    TrajectoryWriter w(MPI_COMM_WORLD, file, 1, kBox, kPeriodic, TrajectoryOptions{});
    w.write_observables(0, 0.0, {}, {7});
    w.write_observables(1, 0.1, {}, {3, 4, 5});
    w.write_observables(2, 0.2, {}, {9, 8});
  }
  Reader r(file);
  EXPECT_EQ(r.dims("/observables/particles_per_rank/value"), (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(r.int64s("/observables/particles_per_rank/value"),
            (std::vector<std::int64_t>{7, 0, 0, 3, 4, 5, 9, 8, 0}));
  EXPECT_FALSE(r.has("/observables/kinetic_energy"));
}

TEST_F(TrajectoryTest, ObservableNamesThatWouldLeaveTheirGroupAreRefused) {
  TrajectoryWriter w(MPI_COMM_WORLD, path("names.h5"), 1, kBox, kPeriodic, TrajectoryOptions{});
  for (const char* bad : {"", "a/b", "strata"})
    EXPECT_THROW(w.write_observables(0, 0.0, {{bad, 1.0}}, {}), std::invalid_argument) << bad;
  EXPECT_THROW(w.write_observables(0, 0.0, {{"e", 1.0}, {"e", 2.0}}, {}), std::invalid_argument);
}

// Frames at steps 0, 10, 20, 30 (frame ids 0-3) and observables every 5
// steps up to 30; resumed, only the steps after resume_step.
void write_run(const std::string& file, std::int64_t n, std::int64_t resume_step = -1) {
  TrajectoryWriter w(MPI_COMM_WORLD, file, n, kBox, kPeriodic, all_fields(), resume_step);
  for (int step = 0; step <= 30; step += 5) {
    if (step <= resume_step) continue;
    if (step % 10 == 0) w.write_frame(particles_for(n, step / 10), step, 0.1 * step);
    w.write_observables(step, 0.1 * step, {{"kinetic_energy", step + 0.5}}, {step});
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
  EXPECT_EQ(r.dims("/particles/all/box/edges/value"), (std::vector<hsize_t>{2, 3}));
  EXPECT_EQ(r.int64s("/observables/kinetic_energy/step"), (std::vector<std::int64_t>{0, 5, 10, 15}));
  EXPECT_EQ(r.dims("/observables/kinetic_energy/value"), (std::vector<hsize_t>{4}));
  EXPECT_EQ(r.int64s("/observables/particles_per_rank/step"), (std::vector<std::int64_t>{0, 5, 10, 15}));
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
