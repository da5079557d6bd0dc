// H5MD writer and reader. Correct at any rank count: every value is derived
// from the particle's global id, so any rank can predict any particle.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io/H5mdReader.hpp"
#include "io/H5mdWriter.hpp"
#include "core/InputError.hpp"

namespace strata {
namespace {

const std::array<double, 3> kBox{10.0, 12.5, 7.25};

int comm_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int comm_size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

// Bit patterns a lossy path would change: long mantissas, -0.0, subnormals.
double position_of(std::int64_t id, int c) {
  return std::fmod(0.6180339887498949 * static_cast<double>(id + 1) * (c + 1.37), kBox[c]);
}
double velocity_of(std::int64_t id, int c) {
  if (id % 5 == 0 && c == 2) return -0.0;
  if (id % 7 == 0 && c == 1) return 4.9e-322;
  return std::sin(1.3 * static_cast<double>(id) + c) * 1e3 / 3.0;
}
int image_of(std::int64_t id, int c) { return static_cast<int>(id % 7) - 3 + 1000 * c; }
int species_of(std::int64_t id) { return static_cast<int>(id % 3); }

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// `n` particles with ids first, first + 1, ...; `y` overrides the y coordinate.
// Spare rows hold junk the writer must not emit.
template <class Y>
Particles make_particles(std::int64_t first, std::size_t n, Y&& y) {
  Particles p;
  p.allocate(n + 3);
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_vel = Kokkos::create_mirror_view(p.velocity);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_sp = Kokkos::create_mirror_view(p.species);
  for (std::size_t i = 0; i < p.capacity(); ++i) {
    const bool live = i < n;
    const std::int64_t id = live ? first + static_cast<std::int64_t>(i) : -999;
    for (int c = 0; c < 3; ++c) {
      h_pos(i, c) = live ? (c == 1 ? y(id) : position_of(id, c)) : -999.0;
      h_vel(i, c) = live ? velocity_of(id, c) : -999.0;
      h_img(i, c) = live ? image_of(id, c) : -999;
    }
    h_id(i) = id;
    h_sp(i) = live ? species_of(id) : -999;
  }
  Kokkos::deep_copy(p.position, h_pos);
  Kokkos::deep_copy(p.velocity, h_vel);
  Kokkos::deep_copy(p.image, h_img);
  Kokkos::deep_copy(p.id, h_id);
  Kokkos::deep_copy(p.species, h_sp);
  p.size = n;
  return p;
}

Particles make_particles(std::int64_t first, std::size_t n) {
  return make_particles(first, n, [](std::int64_t id) { return position_of(id, 1); });
}

std::int64_t first_id(std::size_t local) {
  const std::int64_t n = static_cast<std::int64_t>(local);
  std::int64_t first = 0;
  MPI_Exscan(&n, &first, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return comm_rank() == 0 ? 0 : first;
}

std::int64_t sum_over_ranks(std::int64_t v) {
  std::int64_t s = 0;
  MPI_Allreduce(&v, &s, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return s;
}

H5mdFrameInfo frame_info() {
  return H5mdFrameInfo{42, 4.25, kBox, {Boundary::Periodic, Boundary::Reflecting, Boundary::Periodic}};
}

bool all_ranks(bool ok) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

class H5mdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char buf[4096] = {0};
    if (comm_rank() == 0) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "strata_h5md_XXXXXX").string();
      std::strncpy(buf, tmpl.c_str(), sizeof buf - 1);
      if (!mkdtemp(buf)) buf[0] = '\0';
    }
    MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, MPI_COMM_WORLD);
    dir_ = buf;
  }
  static void TearDownTestSuite() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (comm_rank() == 0 && !dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void SetUp() override { ASSERT_FALSE(dir_.empty()) << "no temporary directory"; }

  static std::string path(const std::string& name) { return dir_ + "/" + name; }

  // Writes `local` particles per rank and checks that all of them read back
  // bit for bit, on every rank or (for big files) on rank 0 alone.
  static void round_trip(const std::string& file, std::size_t local, bool every_rank_reads = true) {
    const std::int64_t first = first_id(local);
    const std::int64_t total = sum_over_ranks(static_cast<std::int64_t>(local));
    const Particles p = make_particles(first, local);
    write_h5md_frame(MPI_COMM_WORLD, file, p, frame_info(), "1.2.3");

    const H5mdInfo info = read_h5md_info(file);
    EXPECT_EQ(info.count, total);
    EXPECT_EQ(info.box, kBox);
    if (!every_rank_reads && comm_rank() != 0) return;

    const double inf = std::numeric_limits<double>::infinity();
    const H5mdSlabRead r = read_h5md_slab(file, 0, -inf, inf, false);
    ASSERT_EQ(r.total, total);
    ASSERT_EQ(r.id.size(), static_cast<std::size_t>(total));
    ASSERT_EQ(r.position.size(), 3 * r.id.size());
    ASSERT_EQ(r.velocity.size(), 3 * r.id.size());
    ASSERT_EQ(r.image.size(), 3 * r.id.size());
    ASSERT_EQ(r.species.size(), r.id.size());
    EXPECT_EQ(r.box, kBox);
    std::size_t bad = 0;
    for (std::size_t k = 0; k < r.id.size(); ++k) {
      // Rank order is file order, so the ids come back as 0..N-1 in order.
      const std::int64_t id = static_cast<std::int64_t>(k);
      bool ok = r.id[k] == id && r.species[k] == species_of(id);
      for (int c = 0; c < 3; ++c)
        ok = ok && same_bits(r.position[3 * k + c], position_of(id, c)) &&
             same_bits(r.velocity[3 * k + c], velocity_of(id, c)) && r.image[3 * k + c] == image_of(id, c);
      if (!ok && ++bad <= 5) ADD_FAILURE() << "particle row " << k << " (id " << r.id[k] << ") differs";
    }
    EXPECT_EQ(bad, 0u);
  }

  static std::string dir_;
};

std::string H5mdTest::dir_;

TEST_F(H5mdTest, RoundTripIsBitwiseAndHoldsEveryParticleOnce) {
  round_trip(path("roundtrip.h5"), static_cast<std::size_t>(comm_rank()) + 2);
}

TEST_F(H5mdTest, RoundTripWithAnEmptyRank) {
  // Rank 0 owns nothing; on one rank the file holds no particles at all.
  const int r = comm_rank();
  round_trip(path("empty_rank.h5"), r == 0 ? 0 : static_cast<std::size_t>(r) + 2);
}

TEST_F(H5mdTest, RankWithMoreThanOneWriteRoundIsJoinedByTheOthers) {
  // Over the ~1M rows staged per write: rank 0 needs two collective writes,
  // the others one real and one empty.
  round_trip(path("rounds.h5"), comm_rank() == 0 ? (std::size_t(1) << 20) + 3 : 2, false);
}

TEST_F(H5mdTest, FileLayoutFollowsH5md) {
  const std::string file = path("layout.h5");
  write_h5md_frame(MPI_COMM_WORLD, file, make_particles(first_id(1), 1), frame_info(), "9.8.7");
  const hsize_t n = static_cast<hsize_t>(comm_size());

  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  auto read_attr = [&](const char* obj, const char* name, hid_t mem_type, void* out) {
    hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << obj << " @" << name;
    if (a < 0) return;
    EXPECT_GE(H5Aread(a, mem_type, out), 0);
    H5Aclose(a);
  };
  auto string_type = [](std::size_t width) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    return t;
  };
  int version[2] = {0, 0};
  read_attr("/h5md", "version", H5T_NATIVE_INT, version);
  EXPECT_EQ(version[0], 1);
  EXPECT_EQ(version[1], 1);
  hid_t s16 = string_type(16);
  char text[16] = {0};
  read_attr("/h5md/author", "name", s16, text);
  EXPECT_STREQ(text, "Strata");
  read_attr("/h5md/creator", "name", s16, text);
  EXPECT_STREQ(text, "strata");
  read_attr("/h5md/creator", "version", s16, text);
  EXPECT_STREQ(text, "9.8.7");
  H5Tclose(s16);
  int dimension = 0;
  read_attr("/particles/all/box", "dimension", H5T_NATIVE_INT, &dimension);
  EXPECT_EQ(dimension, 3);
  hid_t s9 = string_type(9);
  char boundary[3][9] = {};
  read_attr("/particles/all/box", "boundary", s9, boundary);
  EXPECT_STREQ(boundary[0], "periodic");
  EXPECT_STREQ(boundary[1], "none");
  EXPECT_STREQ(boundary[2], "periodic");
  H5Tclose(s9);

  struct Expect {
    const char* name;
    hid_t type;
    std::vector<hsize_t> dims;
    bool grows;  // time-dependent data must be able to take more frames later
  };
  // HDF5's type names are macros that expand to comma expressions, which
  // nvcc's front end cannot take inside a braced list: name them first.
  const hid_t f64 = H5T_IEEE_F64LE, i32 = H5T_STD_I32LE, i64 = H5T_STD_I64LE;
  const std::vector<Expect> datasets = {
      {"/particles/all/box/edges", f64, {3}, false},
      {"/particles/all/position/value", f64, {1, n, 3}, true},
      {"/particles/all/velocity/value", f64, {1, n, 3}, true},
      {"/particles/all/image/value", i32, {1, n, 3}, true},
      {"/particles/all/id/value", i64, {1, n}, true},
      {"/particles/all/species/value", i32, {1, n}, true},
      {"/particles/all/position/step", i64, {1}, true},
      {"/particles/all/species/time", f64, {1}, true},
  };
  for (const auto& e : datasets) {
    hid_t d = H5Dopen2(f, e.name, H5P_DEFAULT);
    ASSERT_GE(d, 0) << e.name;
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    EXPECT_GT(H5Tequal(t, e.type), 0) << e.name;
    std::vector<hsize_t> dims(e.dims.size()), maxdims(e.dims.size());
    ASSERT_EQ(H5Sget_simple_extent_ndims(s), static_cast<int>(e.dims.size())) << e.name;
    H5Sget_simple_extent_dims(s, dims.data(), maxdims.data());
    EXPECT_EQ(dims, e.dims) << e.name;
    if (e.grows) {
      EXPECT_EQ(maxdims[0], H5S_UNLIMITED) << e.name;
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
  }
  std::int64_t step = 0;
  double time = 0.0;
  hid_t d = H5Dopen2(f, "/particles/all/velocity/step", H5P_DEFAULT);
  H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &step);
  H5Dclose(d);
  d = H5Dopen2(f, "/particles/all/image/time", H5P_DEFAULT);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &time);
  H5Dclose(d);
  EXPECT_EQ(step, 42);
  EXPECT_EQ(time, 4.25);
  H5G_info_t root;
  H5Gget_info(f, &root);
  EXPECT_EQ(root.nlinks, 2u) << "only /h5md and /particles at the top";
  H5Fclose(f);
}

TEST_F(H5mdTest, WritesThroughATemporaryAndRenames) {
  const std::string file = path("renamed.h5");
  // A previous run's file and a crashed run's leftover must both be replaced.
  if (comm_rank() == 0) {
    std::ofstream(file) << "old contents";
    std::ofstream(file + ".tmp") << "half a file";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  write_h5md_frame(MPI_COMM_WORLD, file, make_particles(first_id(2), 2), frame_info(), "1");
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
  EXPECT_EQ(read_h5md_info(file).count, 2 * comm_size());
}

TEST_F(H5mdTest, WriteFailureThrowsOnEveryRankAndNamesTheFile) {
  const std::string file = path("no/such/dir/out.h5");
  bool threw = false;
  try {
    write_h5md_frame(MPI_COMM_WORLD, file, make_particles(first_id(2), 2), frame_info(), "1");
  } catch (const std::runtime_error& e) {
    threw = true;
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
  EXPECT_TRUE(all_ranks(threw));
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
}

// y walks -3.0, -2.5, ..., 14.5 (box 12.5) so the slab edges, and values
// that wrap onto them, are hit exactly. Every rank holds a full cycle.
constexpr std::size_t kSlabCycle = 36;
double slab_y(std::int64_t id) { return -3.0 + 0.5 * static_cast<double>(id % kSlabCycle); }

TEST_F(H5mdTest, SlabKeepsExactlyTheParticlesInsideHalfOpenRange) {
  const std::string file = path("slab.h5");
  const std::size_t local = kSlabCycle + static_cast<std::size_t>(comm_rank());
  write_h5md_frame(MPI_COMM_WORLD, file, make_particles(first_id(local), local, slab_y), frame_info(), "1");
  const std::int64_t total = sum_over_ranks(static_cast<std::int64_t>(local));
  const double L = kBox[1];

  for (bool wrap : {false, true}) {
    const H5mdSlabRead r = read_h5md_slab(file, 1, 2.0, 7.5, wrap);
    std::vector<std::int64_t> expected;
    for (std::int64_t id = 0; id < total; ++id) {
      double y = slab_y(id);
      if (wrap) y -= L * std::floor(y / L);
      if (2.0 <= y && y < 7.5) expected.push_back(id);
    }
    EXPECT_EQ(r.id, expected) << "wrap " << wrap;
    ASSERT_EQ(r.image.size(), 3 * r.id.size());
    for (std::size_t k = 0; k < r.id.size(); ++k) {
      const std::int64_t id = r.id[k];
      // Wrapping moves the particle by whole boxes; the unwrapped position stays.
      EXPECT_EQ(r.position[3 * k + 1] + L * r.image[3 * k + 1], slab_y(id) + L * image_of(id, 1)) << id;
      EXPECT_TRUE(same_bits(r.position[3 * k], position_of(id, 0)));
      EXPECT_EQ(r.image[3 * k], image_of(id, 0));
    }
  }
}

TEST_F(H5mdTest, SlabsOfAllRanksPartitionTheParticles) {
  const std::string file = path("partition.h5");
  const std::size_t local = kSlabCycle + static_cast<std::size_t>(comm_rank());
  write_h5md_frame(MPI_COMM_WORLD, file, make_particles(first_id(local), local, slab_y), frame_info(), "1");
  const std::int64_t total = sum_over_ranks(static_cast<std::int64_t>(local));

  const double L = kBox[1];
  const int r = comm_rank(), P = comm_size();
  const H5mdSlabRead mine = read_h5md_slab(file, 1, L * r / P, L * (r + 1) / P, true);
  std::vector<int> seen(static_cast<std::size_t>(total), 0), everywhere(seen.size(), 0);
  for (std::int64_t id : mine.id) seen.at(static_cast<std::size_t>(id)) += 1;
  MPI_Allreduce(seen.data(), everywhere.data(), static_cast<int>(seen.size()), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  for (std::size_t id = 0; id < everywhere.size(); ++id) EXPECT_EQ(everywhere[id], 1) << "id " << id;
}

// Shaped like LAMMPS `dump h5md`: two frames, a time-dependent box, no id,
// no species, a particle group not called "all".
void write_lammps_like(const std::string& file, hsize_t n) {
  hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  auto put = [&](const char* name, std::vector<hsize_t> dims, const std::vector<double>& data) {
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t d = H5Dcreate2(f, name, H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
    H5Dclose(d);
    H5Sclose(space);
  };
  put("/particles/atoms/box/edges/value", {2, 3}, {1.0, 1.0, 1.0, 8.0, 9.0, 10.0});
  std::vector<double> pos(2 * n * 3);
  for (hsize_t i = 0; i < pos.size(); ++i) pos[i] = 0.001 * static_cast<double>(i);
  put("/particles/atoms/position/value", {2, n, 3}, pos);
  H5Pclose(lcpl);
  H5Fclose(f);
}

TEST_F(H5mdTest, ReaderTakesTheLastFrameOfOtherWriters) {
  const std::string file = path("lammps_like.h5");
  const hsize_t n = 5;
  if (comm_rank() == 0) write_lammps_like(file, n);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::array<double, 3> box{8.0, 9.0, 10.0};
  EXPECT_EQ(read_h5md_info(file).count, 5);
  EXPECT_EQ(read_h5md_info(file).box, box);
  const H5mdSlabRead r = read_h5md_slab(file, 2, 0.0, 100.0, false);
  EXPECT_EQ(r.total, 5);
  EXPECT_EQ(r.box, box);
  EXPECT_EQ(r.id, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(r.species, std::vector<int>(n, 0));
  EXPECT_TRUE(r.velocity.empty());
  EXPECT_TRUE(r.image.empty());
  ASSERT_EQ(r.position.size(), 3 * n);
  for (hsize_t i = 0; i < 3 * n; ++i) EXPECT_EQ(r.position[i], 0.001 * static_cast<double>(3 * n + i));
}

// H5MD's two forms of a box, fixed or time-dependent: edge lengths or a
// matrix whose rows are the edge vectors. Strata's trajectories use the
// matrix, its final.h5 and checkpoints the lengths, other tools either.
void write_with_edges(const std::string& file, const char* edges, std::vector<hsize_t> dims,
                      const std::vector<double>& values) {
  hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  auto put = [&](const char* name, const std::vector<hsize_t>& shape, const std::vector<double>& data) {
    hid_t space = H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr);
    hid_t d = H5Dcreate2(f, name, H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
    H5Dclose(d);
    H5Sclose(space);
  };
  put(edges, dims, values);
  put("/particles/all/position/value", {1, 2, 3}, {0.5, 1.5, 2.5, 3.5, 4.5, 5.5});
  H5Pclose(lcpl);
  H5Fclose(f);
}

TEST_F(H5mdTest, ReaderTakesTheBoxAsEdgeLengthsOrADiagonalMatrix) {
  const std::array<double, 3> box{8.0, 9.0, 10.0};
  const std::vector<double> matrix{8, 0, 0, 0, 9, 0, 0, 0, 10};
  std::vector<double> two_frames(9, 0.0);  // frame 0: a zero box the reader must not take
  two_frames.insert(two_frames.end(), matrix.begin(), matrix.end());
  struct Case {
    const char* name;
    const char* edges;
    std::vector<hsize_t> dims;
    std::vector<double> values;
  };
  const Case cases[] = {{"lengths.h5", "/particles/all/box/edges", {3}, {8, 9, 10}},
                        {"matrix.h5", "/particles/all/box/edges", {3, 3}, matrix},
                        {"timed_lengths.h5", "/particles/all/box/edges/value", {2, 3}, {1, 1, 1, 8, 9, 10}},
                        {"timed_matrix.h5", "/particles/all/box/edges/value", {2, 3, 3}, two_frames}};
  for (const Case& c : cases) {
    const std::string file = path(c.name);
    if (comm_rank() == 0) write_with_edges(file, c.edges, c.dims, c.values);
    MPI_Barrier(MPI_COMM_WORLD);
    EXPECT_EQ(read_h5md_info(file).box, box) << c.name;
    EXPECT_EQ(read_h5md_slab(file, 0, 0.0, 8.0, true).box, box) << c.name;
  }
}

TEST_F(H5mdTest, ReaderRefusesATriclinicOrMisshapenBox) {
  const std::pair<std::vector<hsize_t>, std::vector<double>> bad[] = {
      {{3, 3}, {8, 0, 0, 0.5, 9, 0, 0, 0, 10}},  // a sheared box
      {{2}, {8, 9}},
      {{3, 2}, {8, 0, 0, 9, 0, 0}}};
  for (std::size_t k = 0; k < std::size(bad); ++k) {
    const std::string file = path("bad_box" + std::to_string(k) + ".h5");
    if (comm_rank() == 0) write_with_edges(file, "/particles/all/box/edges", bad[k].first, bad[k].second);
    MPI_Barrier(MPI_COMM_WORLD);
    try {
      read_h5md_info(file);
      ADD_FAILURE() << "box " << k << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(e.problem().find("box/edges"), std::string::npos) << e.what();
      if (k == 0) {
        EXPECT_NE(e.problem().find("triclinic"), std::string::npos) << e.what();
      }
    }
  }
}

TEST_F(H5mdTest, ReaderRejectsMissingAndNonH5mdFiles) {
  const std::string text = path("not_hdf5.h5"), bare = path("bare.h5");
  if (comm_rank() == 0) {
    std::ofstream(text) << "this is not HDF5\n";
    hid_t f = H5Fcreate(bare.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  for (const std::string& file : {path("missing.h5"), text, bare}) {
    try {
      read_h5md_info(file);
      ADD_FAILURE() << file << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), file);
    }
    EXPECT_THROW(read_h5md_slab(file, 0, 0.0, 1.0, false), InputError) << file;
  }
}

}  // namespace
}  // namespace strata
