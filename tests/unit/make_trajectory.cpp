// Test-only driver: writes trajectory.h5, trajectory.xmf and thermo.csv of a
// system whose every frame is known exactly, through the same writers the
// simulator uses, so the post-processing tools can be checked against it.
//
// The system: an fcc lattice (C cells per axis, lattice constant a), each
// particle flying ballistically at speed s in a direction fixed by its id,
// through a periodic box. At time t the unwrapped position is x0 + v t, so
//   g(r) of frame 0 peaks at a / sqrt(2),   MSD(t) = s^2 t^2,   KE/N = s^2 / 2.
// Rows are shuffled every frame and particles are spread over the ranks by
// slab (ids interleave across ranks), so the writer's id ordering is exercised.
//
// make_trajectory OUT_DIR [--cells C] [--lattice a] [--frames F] [--every K]
//   [--thermo-every T] [--dt DT] [--speed S] [--fields velocity,image,id,species,force]
//   [--deflate D] [--rows-per-write M] [--resume STEP] [--kill-after FRAMES]
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "decomposition/GridLayout.hpp"
#include "io/ThermoLog.hpp"
#include "io/TrajectoryWriter.hpp"
#include "kernels/InitialState.hpp"

namespace {

using namespace strata;

struct Args {
  std::string out;
  std::int64_t cells = 4, frames = 6, every = 10, thermo_every = 5, resume = -1, kill_after = -1;
  std::int64_t rows_per_write = std::int64_t(1) << 20;
  double lattice = 1.6, dt = 0.01, speed = 2.0;
  std::string fields = "velocity,image,id,species";
  int deflate = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "make_trajectory: %s\n", why.c_str());
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  std::map<std::string, std::string> kv;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      if (i + 1 >= argc) usage(s + " needs a value");
      kv[s.substr(2)] = argv[++i];
    } else if (a.out.empty()) {
      a.out = s;
    } else {
      usage("unexpected argument " + s);
    }
  }
  if (a.out.empty()) usage("no output directory");
  for (const auto& [k, v] : kv) {
    if (k == "cells") a.cells = std::stoll(v);
    else if (k == "lattice") a.lattice = std::stod(v);
    else if (k == "frames") a.frames = std::stoll(v);
    else if (k == "every") a.every = std::stoll(v);
    else if (k == "thermo-every") a.thermo_every = std::stoll(v);
    else if (k == "dt") a.dt = std::stod(v);
    else if (k == "speed") a.speed = std::stod(v);
    else if (k == "fields") a.fields = v == "none" ? "" : v;
    else if (k == "deflate") a.deflate = std::stoi(v);
    else if (k == "rows-per-write") a.rows_per_write = std::stoll(v);
    else if (k == "resume") a.resume = std::stoll(v);
    else if (k == "kill-after") a.kill_after = std::stoll(v);
    else usage("unknown option --" + k);
  }
  return a;
}

TrajectoryOptions options_from(const Args& a) {
  TrajectoryOptions o;
  o.deflate = a.deflate;
  o.rows_per_write = a.rows_per_write;
  std::size_t at = 0;
  while (at < a.fields.size()) {
    const std::size_t end = std::min(a.fields.find(',', at), a.fields.size());
    const std::string f = a.fields.substr(at, end - at);
    if (f == "velocity") o.velocity = true;
    else if (f == "image") o.image = true;
    else if (f == "id") o.id = true;
    else if (f == "species") o.species = true;
    else if (f == "force") o.force = true;
    else usage("unknown field " + f);
    at = end + 1;
  }
  return o;
}

// A direction fixed by the id (golden-angle spiral over the sphere).
std::array<double, 3> direction(std::int64_t id, std::int64_t n) {
  const double z = 1.0 - 2.0 * (static_cast<double>(id) + 0.5) / static_cast<double>(n);
  const double r = std::sqrt(std::max(0.0, 1.0 - z * z));
  const double phi = 2.399963229728653 * static_cast<double>(id);
  return {r * std::cos(phi), r * std::sin(phi), z};
}

int run(MPI_Comm comm, const Args& a) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  const std::int64_t N = 4 * a.cells * a.cells * a.cells;
  const double L = a.lattice * static_cast<double>(a.cells);
  SystemBox system;
  system.box = {L, L, L};
  const GridLayout layout = GridLayout::slab(system, 0, ranks);
  const BoxGeometry brick = layout.geometry(rank);
  GeneratedPlacement g{Lattice::Fcc, N, system.box, 1, {brick.lo[0], brick.lo[1], brick.lo[2]},
                       {brick.hi[0], brick.hi[1], brick.hi[2]}};
  const std::size_t n = count_generated(g);
  Particles p;
  p.allocate(n + 1, options_from(a).force);
  fill_generated(g, p);
  p.size = n;

  // Host copies of the start: every frame is computed from it exactly.
  auto h_pos = Kokkos::create_mirror_view(p.position);
  auto h_vel = Kokkos::create_mirror_view(p.velocity);
  auto h_img = Kokkos::create_mirror_view(p.image);
  auto h_id = Kokkos::create_mirror_view(p.id);
  auto h_sp = Kokkos::create_mirror_view(p.species);
  auto h_f = Kokkos::create_mirror_view(p.force);
  Kokkos::deep_copy(h_pos, p.position);
  Kokkos::deep_copy(h_id, p.id);
  std::vector<std::array<double, 3>> x0(n), v(n);
  std::vector<std::int64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) {
    ids[i] = h_id(i);
    const auto d = direction(ids[i], N);
    for (int c = 0; c < 3; ++c) {
      x0[i][c] = h_pos(i, c);
      v[i][c] = a.speed * d[c];
    }
  }

  const TrajectoryOptions options = options_from(a);
  const std::filesystem::path dir(a.out);
  const std::string h5 = (dir / "trajectory.h5").string(), xmf = (dir / "trajectory.xmf").string();
  const std::string csv = (dir / "thermo.csv").string();
  if (rank == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(comm);
  TrajectoryWriter writer(comm, h5, N, system.box, system.boundary, options, a.resume);
  ThermoLog thermo(csv, {"step", "time", "particles", "kinetic_energy", "msd"}, rank == 0, a.resume);

  std::mt19937_64 shuffle(static_cast<std::uint64_t>(rank) + 7);
  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = i;
  const std::int64_t last = (a.frames - 1) * a.every;
  std::int64_t written = 0;
  // A resumed run starts after the checkpoint: its outputs are in the files.
  for (std::int64_t step = a.resume >= 0 ? a.resume + 1 : 0; step <= last; ++step) {
    const bool frame = step % a.every == 0, thermo_row = step % a.thermo_every == 0;
    if (!frame && !thermo_row) continue;
    const double t = static_cast<double>(step) * a.dt;
    const double ke = 0.5 * a.speed * a.speed, msd = a.speed * a.speed * t * t;
    if (frame) {
      std::shuffle(perm.begin(), perm.end(), shuffle);
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = perm[k];
        for (int c = 0; c < 3; ++c) {
          const double u = x0[i][c] + v[i][c] * t;
          double img = std::floor(u / L);
          double x = u - img * L;
          if (x >= L) x -= L, img += 1;  // rounding can land on L
          h_pos(k, c) = x;
          h_vel(k, c) = v[i][c];
          h_img(k, c) = static_cast<int>(img);
          if (p.has_force()) h_f(k, c) = -v[i][c];  // any known value will do
        }
        h_id(k) = ids[i];
        h_sp(k) = static_cast<int>(ids[i] % 2);
      }
      Kokkos::deep_copy(p.position, h_pos);
      Kokkos::deep_copy(p.velocity, h_vel);
      Kokkos::deep_copy(p.image, h_img);
      Kokkos::deep_copy(p.id, h_id);
      Kokkos::deep_copy(p.species, h_sp);
      if (p.has_force()) Kokkos::deep_copy(p.force, h_f);
      // The frame's own observables, as the simulator records them.
      FrameObservables obs;
      obs.values = {{"kinetic_energy", ke}, {"msd", msd}};
      const std::int64_t local = static_cast<std::int64_t>(n);
      obs.particles_per_rank.resize(static_cast<std::size_t>(ranks));
      MPI_Allgather(&local, 1, MPI_INT64_T, obs.particles_per_rank.data(), 1, MPI_INT64_T, comm);
      writer.write_frame(p, step, t, obs);
      if (rank == 0) write_xdmf(xmf, "trajectory.h5", N, writer.frames(), options);
      if (++written == a.kill_after) {
        // A hard kill right after the frame: no destructor, no close, and no
        // later write that might flush the file in the frame's place.
        MPI_Barrier(comm);
        std::raise(SIGKILL);
      }
    }
    if (thermo_row) thermo.write_row({static_cast<double>(step), t, static_cast<double>(N), ke, msd});
  }
  writer.close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rc = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    const Args a = parse(argc, argv);
    try {
      rc = run(MPI_COMM_WORLD, a);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "make_trajectory: %s\n", e.what());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  MPI_Finalize();
  return rc;
}
