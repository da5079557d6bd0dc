// Checkpoints: bitwise round trips, reading on other layouts, rotation,
// rejection of damaged files, finding the newest usable one, and failing
// writes that leave earlier checkpoints alone. Correct at any rank count:
// every field is a function of the particle's id (TestParticles.hpp).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/Version.hpp"
#include "decomposition/Redistribute.hpp"
#include "decomposition/GridLayout.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5mdReader.hpp"
#include "io/H5mdWriter.hpp"
#include "core/InputError.hpp"
#include "io/RowChecksum.hpp"
#include "tests/unit/TestParticles.hpp"

namespace strata {
namespace {

// What a restart does: this rank's share of the file, then every particle
// to its owner under `layout`.
Particles read_checkpoint_particles(MPI_Comm comm, const std::string& path, const GridLayout& layout) {
  Particles p = read_checkpoint_rows(comm, path);
  redistribute(comm, p, layout);
  return p;
}

namespace fs = std::filesystem;
using namespace strata::testing;

const std::array<double, 3> kBox{10.0, 12.5, 7.25};

SystemBox system_config() {
  SystemBox s;
  s.box = kBox;
  s.boundary = {Boundary::Periodic, Boundary::Reflecting, Boundary::Periodic};
  return s;
}

double x_of(std::int64_t id) { return position_of(id, 0, kBox); }

GridLayout uniform_layout(MPI_Comm comm = MPI_COMM_WORLD) {
  return GridLayout::slab(system_config(), 0, world_size(comm));
}

// Slab 0 is empty ([0, 0)), so rank 0 writes no rows when P > 1; the rest
// of the box is cut unevenly.
GridLayout layout_with_empty_first_slab(int P) {
  std::vector<double> b{0.0};
  for (int r = 1; r < P; ++r) b.push_back(kBox[0] * (static_cast<double>(r - 1) / P) * 1.3);
  b.push_back(kBox[0]);
  return GridLayout::slab(system_config(), 0, b);
}

// Of ids 0..N-1, the ones this rank owns under `layout`, in descending id
// order (so "row order preserved" cannot pass by accident of sorting).
Particles owned_particles(std::int64_t N, const GridLayout& layout, MPI_Comm comm = MPI_COMM_WORLD) {
  std::vector<std::int64_t> ids;
  for (std::int64_t id = N - 1; id >= 0; --id)
    if (layout.owner_on(0, x_of(id)) == world_rank(comm)) ids.push_back(id);
  return make_particles(ids, kBox, x_of);
}

CheckpointMeta meta_for(const GridLayout& layout, std::int64_t step) {
  CheckpointMeta m;
  m.step = step;
  m.time = 0.125 * static_cast<double>(step);
  m.deck_text = "[run]\nsteps = 10  # \"quoted\", t\xc3\xa4" "b\there\n\n[system]\nbox = [10, 12.5, 7.25]\n";
  m.seed = 0xFEDCBA9876543210ULL;
  m.slab_axis = 0;
  m.grid = layout.dims();
  for (int d = 0; d < 3; ++d) m.planes.insert(m.planes.end(), layout.planes(d).begin(), layout.planes(d).end());
  m.integrator = {{"neighbor_builds", 17.0}, {"skin", 0.3}};
  m.box = kBox;
  m.boundary = system_config().boundary;
  return m;
}

// What every rank saw of a call: whether it threw the exception type, and
// rank 0's message (so ranks can compare theirs with it).
template <class Exception, class F>
std::string thrown_message(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.what();
  }
  return "";
}

std::string rank0_string(const std::string& s) {
  unsigned long len = s.size();
  MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  std::string out = s;
  out.resize(len);
  MPI_Bcast(out.data(), static_cast<int>(len), MPI_CHAR, 0, MPI_COMM_WORLD);
  return out;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// Every particle 0..N-1 is on exactly one rank of `comm`, that rank owns its
// position under `layout`, and every field is bit for bit as written.
void expect_each_particle_once_on_its_owner(const Particles& p, std::int64_t N, const GridLayout& layout,
                                            MPI_Comm comm) {
  const HostParticles h = to_host(p);
  std::vector<int> seen(static_cast<std::size_t>(N), 0), everywhere(seen.size(), 0);
  std::size_t bad = 0;
  for (std::size_t k = 0; k < h.size(); ++k) {
    const std::int64_t id = h.id[k];
    ASSERT_TRUE(0 <= id && id < N) << "row " << k << " holds id " << id;
    seen[static_cast<std::size_t>(id)] += 1;
    if ((layout.owner_on(0, h.position[k][0]) != world_rank(comm) || !row_is_intact(h, k, kBox, x_of(id))) && ++bad <= 5)
      ADD_FAILURE() << "id " << id << " is damaged or not on its owner";
  }
  EXPECT_EQ(bad, 0u);
  MPI_Allreduce(seen.data(), everywhere.data(), static_cast<int>(N), MPI_INT, MPI_SUM, comm);
  std::size_t not_once = 0;
  for (std::int64_t id = 0; id < N; ++id)
    if (everywhere[static_cast<std::size_t>(id)] != 1 && ++not_once <= 5)
      ADD_FAILURE() << "id " << id << " is held " << everywhere[static_cast<std::size_t>(id)] << " times";
  EXPECT_EQ(not_once, 0u);
}

class CheckpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char buf[4096] = {0};
    if (world_rank() == 0) {
      const std::string tmpl = (fs::temp_directory_path() / "strata_checkpoint_XXXXXX").string();
      std::strncpy(buf, tmpl.c_str(), sizeof buf - 1);
      if (!mkdtemp(buf)) buf[0] = '\0';
    }
    MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, MPI_COMM_WORLD);
    root_ = buf;
  }
  static void TearDownTestSuite() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (world_rank() == 0 && !root_.empty()) fs::remove_all(root_);
  }
  void SetUp() override {
    ASSERT_FALSE(root_.empty()) << "no temporary directory";
    // One output directory per test.
    out_ = root_ + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  fs::path checkpoints() const { return fs::path(out_) / "checkpoints"; }
  std::string checkpoint(std::int64_t step) const {
    char name[40];
    std::snprintf(name, sizeof name, "checkpoint-%012lld.h5", static_cast<long long>(step));
    return (checkpoints() / name).string();
  }
  // A damaged copy of `from` at `to`, made by rank 0 while the others wait.
  template <class Damage>
  static void damaged_copy(const std::string& from, const std::string& to, Damage&& damage) {
    if (world_rank() == 0) {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing);
      damage(to);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  static void truncate_to_half(const std::string& path) { fs::resize_file(path, fs::file_size(path) / 2); }

  static std::string root_;
  std::string out_;
};

std::string CheckpointTest::root_;

TEST_F(CheckpointTest, RoundTripOnTheSameRanksIsBitwiseAndKeepsEachRanksRowOrder) {
  const GridLayout layout = layout_with_empty_first_slab(world_size());
  const std::int64_t N = 53;
  const Particles written = owned_particles(N, layout);
  const CheckpointMeta meta = meta_for(layout, 42);

  const std::string path = write_checkpoint(MPI_COMM_WORLD, out_, written, meta, 0);
  EXPECT_EQ(path, checkpoint(42));

  const Particles read = read_checkpoint_particles(MPI_COMM_WORLD, path, layout);
  const HostParticles a = to_host(written), b = to_host(read);
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    bool same = a.id[k] == b.id[k] && a.species[k] == b.species[k];
    for (int c = 0; c < 3; ++c)
      same = same && same_bits(a.position[k][c], b.position[k][c]) && same_bits(a.velocity[k][c], b.velocity[k][c]) &&
             same_bits(a.origin[k][c], b.origin[k][c]) && a.image[k][c] == b.image[k][c];
    EXPECT_TRUE(same) << "row " << k << " (id " << a.id[k] << ") differs";
  }
  EXPECT_GT(read.capacity(), read.size) << "no spare rows for migration";

  const CheckpointMeta m = read_checkpoint_meta(path);
  EXPECT_EQ(m.step, 42);
  EXPECT_EQ(m.time, meta.time);
  EXPECT_EQ(m.particle_count, N);
  EXPECT_EQ(m.deck_text, meta.deck_text);
  EXPECT_EQ(m.seed, meta.seed);
  EXPECT_EQ(m.slab_axis, 0);
  EXPECT_EQ(m.grid, layout.dims());
  EXPECT_EQ(m.planes.size(), layout.planes(0).size() + 4);
  EXPECT_EQ(m.ranks, world_size());
  EXPECT_EQ(m.integrator, meta.integrator);
  EXPECT_EQ(m.code_version, STRATA_VERSION);
  EXPECT_EQ(m.box, kBox);
  EXPECT_EQ(m.boundary, meta.boundary);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(world_size()));
  const std::int64_t mine = static_cast<std::int64_t>(written.size);
  MPI_Allgather(&mine, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, MPI_COMM_WORLD);
  EXPECT_EQ(m.rank_counts, counts);

  // And it is an H5MD frame any H5MD reader takes.
  const H5mdInfo info = read_h5md_info(path);
  EXPECT_EQ(info.count, N);
  EXPECT_EQ(info.box, kBox);
}

TEST_F(CheckpointTest, EmptyIntegratorAndEmptyDeckRoundTrip) {
  CheckpointMeta meta = meta_for(uniform_layout(), 3);
  meta.integrator.clear();
  meta.deck_text.clear();
  const std::string path = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(10, uniform_layout()), meta, 0);
  const CheckpointMeta m = read_checkpoint_meta(path);
  EXPECT_TRUE(m.integrator.empty());
  EXPECT_EQ(m.deck_text, "");
  EXPECT_EQ(m.particle_count, 10);
}

TEST_F(CheckpointTest, ReadingOnFewerRanksPutsEveryParticleOnItsOwnerOnceAndIntact) {
  const std::int64_t N = 61;
  write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(N, uniform_layout()), meta_for(uniform_layout(), 5), 0);

  // The first P-1 ranks (the one rank at P = 1) restart without the last.
  const int P = world_size(), readers = std::max(1, P - 1);
  MPI_Comm sub = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank() < readers ? 0 : MPI_UNDEFINED, world_rank(), &sub);
  if (sub != MPI_COMM_NULL) {
    const GridLayout layout = uniform_layout(sub);
    const Particles p = read_checkpoint_particles(sub, checkpoint(5), layout);
    expect_each_particle_once_on_its_owner(p, N, layout, sub);
    MPI_Comm_free(&sub);
  }
}

TEST_F(CheckpointTest, ReadingWithOtherBoundsRoutesEveryParticleToItsNewOwner) {
  const std::int64_t N = 61;
  write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(N, uniform_layout()), meta_for(uniform_layout(), 5), 0);
  const GridLayout other = layout_with_empty_first_slab(world_size());
  const Particles p = read_checkpoint_particles(MPI_COMM_WORLD, checkpoint(5), other);
  expect_each_particle_once_on_its_owner(p, N, other, MPI_COMM_WORLD);
}

TEST_F(CheckpointTest, ReadingBigSharesSpansReadBlocksAndWriterBoundaries) {
  // Over the ~1M rows read per block: on 1 rank and on the sub-communicator
  // at 2 ranks one reader reads it all, in two blocks, across writers.
  const std::int64_t N = (std::int64_t(1) << 20) + 7;
  write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(N, uniform_layout()), meta_for(uniform_layout(), 9), 0);
  const int readers = std::max(1, world_size() - 1);
  MPI_Comm sub = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank() < readers ? 0 : MPI_UNDEFINED, world_rank(), &sub);
  if (sub != MPI_COMM_NULL) {
    const GridLayout layout = uniform_layout(sub);
    expect_each_particle_once_on_its_owner(read_checkpoint_particles(sub, checkpoint(9), layout), N, layout, sub);
    MPI_Comm_free(&sub);
  }
}

TEST_F(CheckpointTest, KeepTwoLeavesOnlyTheTwoNewestAndNoOneElsesFiles) {
  const GridLayout layout = uniform_layout();
  const Particles p = owned_particles(20, layout);
  // Not complete checkpoints, so not the rotation's to delete.
  const std::string damaged = "checkpoint-000000000000.h5", foreign_temp = "checkpoint-000000000005.h5.99999.tmp";
  if (world_rank() == 0) {
    fs::create_directories(checkpoints());
    std::ofstream(checkpoints() / damaged) << "not a checkpoint";
    std::ofstream(checkpoints() / foreign_temp) << "another job's unfinished write";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  for (std::int64_t step = 1; step <= 4; ++step) write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, step), 2);

  const std::set<std::string> expected{"checkpoint-000000000003.h5", "checkpoint-000000000004.h5", damaged,
                                       foreign_temp};
  EXPECT_EQ(names_in(checkpoints()), expected);
  EXPECT_EQ(read_checkpoint_meta(checkpoint(3)).step, 3);
}

TEST_F(CheckpointTest, TruncatedFileIsRejectedOnEveryRank) {
  const GridLayout layout = uniform_layout();
  const std::string good = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(500, layout), meta_for(layout, 1), 0);
  const std::string bad = out_ + "/truncated.h5";
  damaged_copy(good, bad, truncate_to_half);

  EXPECT_THROW(read_checkpoint_meta(bad), InputError);
  const std::string msg = thrown_message<InputError>([&] { read_checkpoint_particles(MPI_COMM_WORLD, bad, layout); });
  EXPECT_NE(msg.find(bad), std::string::npos) << msg;
  EXPECT_EQ(msg, rank0_string(msg)) << "ranks disagree";
}

// The byte flipped lies in the raw data of the dataset's first chunk, found
// through HDF5's own index, so the damage is always in the same place. A
// single damaged byte always changes the row checksum (RowChecksum.hpp), so
// the outcome is certain, not likely.
void flip_first_data_byte(const std::string& path, const std::string& dataset) {
  hsize_t offset[3] = {0, 0, 0}, size = 0;
  haddr_t addr = 0;
  unsigned filter = 0;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  const herr_t found = H5Dget_chunk_info(d, space, 0, offset, &filter, &addr, &size);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  ASSERT_GE(found, 0) << dataset;
  ASSERT_GT(size, 2u) << dataset;
  std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(addr + 2));
  char byte = 0;
  io.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x10);
  io.seekp(static_cast<std::streamoff>(addr + 2));
  io.write(&byte, 1);
  ASSERT_TRUE(io.good());
}

TEST_F(CheckpointTest, FlippedByteInAnyParticleDatasetIsCaughtAndNamed) {
  const GridLayout layout = uniform_layout();
  const std::string good = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(500, layout), meta_for(layout, 1), 0);
  for (const std::string dataset : {"position", "velocity", "origin", "image", "id", "species"}) {
    const std::string bad = out_ + "/flipped-" + dataset + ".h5", path = "/particles/all/" + dataset + "/value";
    damaged_copy(good, bad, [&](const std::string& to) { flip_first_data_byte(to, path); });
    // The meta is intact: only the particle data is damaged.
    EXPECT_NO_THROW(read_checkpoint_meta(bad)) << dataset;
    const std::string msg =
        thrown_message<InputError>([&] { read_checkpoint_particles(MPI_COMM_WORLD, bad, layout); });
    EXPECT_NE(msg.find("checksum mismatch in " + path), std::string::npos) << dataset << ": '" << msg << "'";
    EXPECT_NE(msg.find(bad), std::string::npos) << msg;
    EXPECT_EQ(msg, rank0_string(msg)) << "ranks disagree";
  }
}

TEST_F(CheckpointTest, FlippedByteInTheMetaIsCaughtByHdf5sOwnChecksums) {
  const GridLayout layout = uniform_layout();
  const CheckpointMeta meta = meta_for(layout, 1);
  const std::string good = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(20, layout), meta, 0);
  const std::string bad = out_ + "/flipped-seed.h5";
  // The seed attribute's 8 bytes occur once in the file: flip one of them.
  damaged_copy(good, bad, [&](const std::string& to) {
    std::string bytes = file_bytes(to);
    const std::string seed(reinterpret_cast<const char*>(&meta.seed), sizeof meta.seed);
    const std::size_t at = bytes.find(seed);
    ASSERT_NE(at, std::string::npos);
    ASSERT_EQ(bytes.find(seed, at + 1), std::string::npos) << "the seed's bytes are not unique";
    bytes[at + 3] = static_cast<char>(bytes[at + 3] ^ 0x01);
    std::ofstream(to, std::ios::binary) << bytes;
  });
  EXPECT_THROW(read_checkpoint_meta(bad), InputError);
}

TEST_F(CheckpointTest, PlainH5mdTextAndMissingFilesAreNotCheckpoints) {
  const GridLayout layout = uniform_layout();
  const std::string h5md = out_ + "/plain.h5", text = out_ + "/deck.toml", missing = out_ + "/missing.h5";
  if (world_rank() == 0) {
    fs::create_directories(out_);
    std::ofstream(text) << "[run]\nsteps = 1\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  write_h5md_frame(MPI_COMM_WORLD, h5md, owned_particles(20, layout), H5mdFrameInfo{1, 0.1, kBox, {}}, "1");

  const std::pair<std::string, std::string> cases[] = {
      {h5md, "not a Strata checkpoint"}, {text, "not an HDF5 file"}, {missing, "cannot open the file"}};
  for (const auto& c : cases) {
    const std::string& path = c.first;
    const std::string& why = c.second;
    try {
      read_checkpoint_meta(path);
      ADD_FAILURE() << path << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), path);
      EXPECT_NE(e.problem().find(why), std::string::npos) << e.what();
    }
    const std::string msg =
        thrown_message<InputError>([&] { read_checkpoint_particles(MPI_COMM_WORLD, path, layout); });
    EXPECT_NE(msg.find(why), std::string::npos) << path << ": '" << msg << "'";
  }
}

TEST_F(CheckpointTest, NewerFormatVersionIsRejected) {
  const GridLayout layout = uniform_layout();
  const std::string good = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(20, layout), meta_for(layout, 1), 0);
  const std::string newer = out_ + "/newer.h5";
  damaged_copy(good, newer, [](const std::string& to) {
    // Replaced, not rewritten: HDF5 1.10 cannot H5Awrite this attribute in place.
    const hid_t f = H5Fopen(to.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t g = H5Gopen2(f, "/strata", H5P_DEFAULT);
    EXPECT_GE(H5Adelete(g, "format_version"), 0);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(g, "format_version", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    const int two = 2;
    EXPECT_GE(H5Awrite(a, H5T_NATIVE_INT, &two), 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Gclose(g);
    H5Fclose(f);
  });
  try {
    read_checkpoint_meta(newer);
    ADD_FAILURE() << "a version 2 checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.problem().find("format version 2"), std::string::npos) << e.what();
  }
}

// Rewrites the checkpoint's box edges as a 3 x 3 matrix (the other form
// H5MD allows), with its integrity record (shape and checksum) to match, as
// a tool converting the file would.
void edges_as_matrix(const std::string& path, const std::vector<double>& matrix) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(H5Ldelete(f, "/particles/all/box/edges", H5P_DEFAULT), 0);
  const hsize_t dims[2] = {3, 3};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  hid_t d = H5Dcreate2(f, "/particles/all/box/edges", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, matrix.data()), 0);
  H5Dclose(d);
  H5Sclose(space);
  // Find the edges' row of the integrity table.
  d = H5Dopen2(f, "/strata/integrity/path", H5P_DEFAULT);
  const hid_t type = H5Dget_type(d);
  const std::size_t width = H5Tget_size(type);
  hsize_t D = 0;
  space = H5Dget_space(d);
  H5Sget_simple_extent_dims(space, &D, nullptr);
  std::vector<char> names(D * width);
  H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, names.data());
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(d);
  hsize_t row = D;
  for (hsize_t k = 0; k < D; ++k)
    if (std::string(&names[k * width]) == "/particles/all/box/edges") row = k;
  ASSERT_LT(row, D);
  auto rewrite_row = [&](const char* name, hid_t mem_type, const void* values) {
    const hid_t set = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t file_space = H5Dget_space(set);
    hsize_t table[2] = {0, 0};
    H5Sget_simple_extent_dims(file_space, table, nullptr);
    const hsize_t start[2] = {row, 0}, count[2] = {1, table[1]};
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const hid_t mem = H5Screate_simple(2, count, nullptr);
    EXPECT_GE(H5Dwrite(set, mem_type, mem, file_space, H5P_DEFAULT, values), 0) << name;
    H5Sclose(mem);
    H5Sclose(file_space);
    H5Dclose(set);
  };
  const std::int64_t shape[3] = {3, 3, -1};
  rewrite_row("/strata/integrity/shape", H5T_NATIVE_INT64, shape);
  // Datasets rank 0 writes whole have their checksum in column 0.
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(world_size()), 0);
  sums[0] = rows_checksum(matrix.data(), 3 * sizeof(double), 3, 0);
  rewrite_row("/strata/integrity/checksum", H5T_NATIVE_UINT64, sums.data());
  H5Fclose(f);
}

TEST_F(CheckpointTest, BoxEdgesAsADiagonalMatrixAreReadAndTriclinicOnesRefused) {
  const GridLayout layout = uniform_layout();
  const std::int64_t N = 40;
  const std::string good = write_checkpoint(MPI_COMM_WORLD, out_, owned_particles(N, layout), meta_for(layout, 5), 0);
  const std::string matrix = out_ + "/matrix.h5", triclinic = out_ + "/triclinic.h5";
  damaged_copy(good, matrix, [](const std::string& to) {
    edges_as_matrix(to, {kBox[0], 0, 0, 0, kBox[1], 0, 0, 0, kBox[2]});
  });
  damaged_copy(good, triclinic, [](const std::string& to) {
    edges_as_matrix(to, {kBox[0], 0, 0, 1.5, kBox[1], 0, 0, 0, kBox[2]});
  });
  const CheckpointMeta m = read_checkpoint_meta(matrix);
  EXPECT_EQ(m.box, kBox);
  EXPECT_EQ(m.particle_count, N);
  expect_each_particle_once_on_its_owner(read_checkpoint_particles(MPI_COMM_WORLD, matrix, layout), N, layout,
                                         MPI_COMM_WORLD);
  EXPECT_EQ(read_h5md_info(matrix).box, kBox);
  try {
    read_checkpoint_meta(triclinic);
    ADD_FAILURE() << "a triclinic box was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.problem().find("triclinic"), std::string::npos) << e.what();
  }
}

TEST_F(CheckpointTest, FindLatestSkipsDamagedNewestAndTempFilesWithAWarning) {
  const GridLayout layout = uniform_layout();
  std::vector<std::string> warnings;
  EXPECT_EQ(find_latest_checkpoint(out_, warnings), "") << "no directory yet";
  const Particles p = owned_particles(40, layout);
  write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, 10), 0);
  write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, 20), 0);
  const std::string temp = (checkpoints() / "checkpoint-000000000040.h5.12345.tmp").string();
  damaged_copy(checkpoint(20), checkpoint(30), truncate_to_half);
  damaged_copy(checkpoint(20), temp, truncate_to_half);

  EXPECT_EQ(find_latest_checkpoint(out_, warnings), checkpoint(20));
  ASSERT_EQ(warnings.size(), 2u);
  const std::string prefix = "strata: warning: skipping damaged checkpoint ";
  EXPECT_EQ(warnings[0].rfind(prefix + temp + ": ", 0), 0u) << warnings[0];
  EXPECT_EQ(warnings[1].rfind(prefix + checkpoint(30) + ": ", 0), 0u) << warnings[1];
}

TEST_F(CheckpointTest, UnwritableDirectoryThrowsTheSameErrorOnEveryRank) {
  const std::string blocker = out_ + "/plain-file";
  if (world_rank() == 0) {
    fs::create_directories(out_);
    std::ofstream(blocker) << "a regular file, so nothing can be created under it (even by root)";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const GridLayout layout = uniform_layout();
  const std::string msg = thrown_message<std::runtime_error>(
      [&] { write_checkpoint(MPI_COMM_WORLD, blocker + "/run", owned_particles(20, layout), meta_for(layout, 1), 2); });
  EXPECT_NE(msg.find(blocker + "/run/checkpoints"), std::string::npos) << "'" << msg << "'";
  EXPECT_EQ(msg, rank0_string(msg)) << "ranks disagree";
}

TEST_F(CheckpointTest, FailedWriteLeavesEarlierCheckpointsUntouchedAndNoTempFile) {
  const GridLayout layout = uniform_layout();
  const Particles p = owned_particles(40, layout);
  write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, 1), 2);
  write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, 2), 2);
  const std::string before1 = file_bytes(checkpoint(1)), before2 = file_bytes(checkpoint(2));
  // A directory where step 3's file must go: the file is written, then the
  // rename that publishes it fails, before any rotation (which would delete
  // step 1) could run.
  if (world_rank() == 0) {
    fs::create_directories(checkpoint(3));
    std::ofstream(fs::path(checkpoint(3)) / "keep") << "x";
  }
  MPI_Barrier(MPI_COMM_WORLD);

  const std::string msg =
      thrown_message<std::runtime_error>([&] { write_checkpoint(MPI_COMM_WORLD, out_, p, meta_for(layout, 3), 2); });
  EXPECT_NE(msg.find(checkpoint(3)), std::string::npos) << "'" << msg << "'";
  EXPECT_EQ(msg, rank0_string(msg)) << "ranks disagree";
  EXPECT_EQ(file_bytes(checkpoint(1)), before1);
  EXPECT_EQ(file_bytes(checkpoint(2)), before2);
  for (const auto& name : names_in(checkpoints())) EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  std::vector<std::string> warnings;
  EXPECT_EQ(find_latest_checkpoint(out_, warnings), checkpoint(2));
}

}  // namespace
}  // namespace strata
