// strata: command line entry point. Parses the command line (CLI11), loads
// and checks the deck on every rank, then runs or validates.
//
// Exit status: 0 success, 2 bad input of any kind, 1 failure at run time.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <hdf5.h>
#include <string>
#include <vector>

#include "core/Version.hpp"
#include "core/Agreement.hpp"
#include "decomposition/DeviceMpi.hpp"
#include "io/Checkpoint.hpp"
#include "io/H5Collective.hpp"
#include "io/H5mdReader.hpp"
#include "io/OutputDir.hpp"
#include "io/RunLog.hpp"
#include "src/Deck.hpp"
#include "core/Failure.hpp"
#include "src/FaultInjection.hpp"
#include "core/InputError.hpp"
#include "src/KokkosSession.hpp"
#include "src/Plan.hpp"
#include "src/Simulation.hpp"
#include "src/StopSignals.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitInput = 2;

// Runs `check` on every rank. If it throws InputError on any rank, the
// lowest such rank prints its one-line error and every rank returns 2
// together, so no rank is left waiting in a later collective.
template <class F>
int collective_check(MPI_Comm comm, F&& check) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string message;
  try {
    check();
  } catch (const strata::InputError& e) {
    message = e.what();
  }
  int first = -1;
  const std::string error = strata::first_error(comm, message, &first);
  if (error.empty()) return kExitOk;
  if (rank == first) std::fprintf(stderr, "strata: error: %s\n", error.c_str());
  return kExitInput;
}

std::string version_string() { return std::string("strata ") + STRATA_VERSION + " (" + strata::backend_description() + ")"; }

int line_of(const strata::Config& cfg, const std::string& key) {
  const auto it = cfg.key_lines.find(key);
  return it == cfg.key_lines.end() ? 0 : it->second;
}

// Apply --output and resolve what the deck leaves to files.
strata::Config finish_config(strata::Config cfg, const std::string& output) {
  if (!output.empty()) {
    cfg.output.dir = output;
    cfg.key_lines["output.dir"] = 0;
  }
  if (cfg.run.walltime != "none") {
    // The deck checked the form (H:MM:SS, hours up to 99999).
    long long h = 0, m = 0, sec = 0;
    std::sscanf(cfg.run.walltime.c_str(), "%lld:%lld:%lld", &h, &m, &sec);
    cfg.run.walltime_seconds = static_cast<double>(h * 3600 + m * 60 + sec);
  }
  if (cfg.output.trajectory_deflate > 9)
    throw strata::InputError(cfg.deck_path, line_of(cfg, "output.trajectory_deflate"),
                             "output.trajectory_deflate is " + std::to_string(cfg.output.trajectory_deflate),
                             "a deflate level from 0 to 9");
  const auto& fields = cfg.output.trajectory_fields;
  if (cfg.interaction.kind == strata::InteractionKind::None && !cfg.walls.any() && !cfg.field.any() &&
      std::find(fields.begin(), fields.end(), "force") != fields.end())
    throw strata::InputError(cfg.deck_path, line_of(cfg, "output.trajectory_fields"),
                             "output.trajectory_fields asks for \"force\" but there is no interaction",
                             "\"force\" only with an interaction.type other than \"none\", walls or a field");
  if (cfg.particles.placement == strata::Placement::File) {
    strata::H5mdInfo info;
    try {
      info = strata::read_h5md_info(cfg.particles.file);
    } catch (const strata::InputError& e) {
      // Name the deck line that asked for the file, too.
      throw strata::InputError(cfg.deck_path, line_of(cfg, "particles.file"),
                               "particles.file '" + cfg.particles.file + "': " + e.problem(), e.expected());
    }
    if (cfg.particles.count > 0 && cfg.particles.count != info.count) {
      const auto it = cfg.key_lines.find("particles.count");
      throw strata::InputError(cfg.deck_path, it == cfg.key_lines.end() ? 0 : it->second,
                               "particles.count is " + std::to_string(cfg.particles.count) + " but " +
                                   cfg.particles.file + " holds " + std::to_string(info.count),
                               "the file's particle count, or no particles.count");
    }
    cfg.particles.count = info.count;
    for (int d = 0; d < 3; ++d)
      if (std::abs(info.box[d] - cfg.system.box[d]) > 1e-12 * std::abs(info.box[d])) {
        const auto it = cfg.key_lines.find("system.box");
        throw strata::InputError(cfg.deck_path, it == cfg.key_lines.end() ? 0 : it->second,
                                 fmt::format("system.box does not match the box of {} ({:.17g}, {:.17g}, {:.17g})",
                                             cfg.particles.file, info.box[0], info.box[1], info.box[2]),
                                 "the box the particles were written in");
      }
  }
  return cfg;
}

// Load the deck, apply --output, and resolve what the deck leaves to files.
strata::Config load_config(const std::string& deck, const std::vector<std::string>& sets, const std::string& output) {
  return finish_config(strata::load_deck(deck, sets), output);
}


// The checkpoint --restart names: a path, or "latest" (the newest valid one
// in `dir`, found by rank 0). Rank 0's warnings about damaged checkpoints it
// skipped go to `warnings`.
std::string find_restart(MPI_Comm comm, const std::string& dir, const std::string& restart,
                         std::vector<std::string>& warnings) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string path = restart;
  if (restart == "latest") {
    if (rank == 0) path = strata::find_latest_checkpoint(dir, warnings);
    unsigned long len = path.size();
    MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG, 0, comm);
    path.resize(len);
    MPI_Bcast(path.data(), static_cast<int>(len), MPI_CHAR, 0, comm);
    if (path.empty())
      throw strata::InputError("--restart latest", 0, "no complete checkpoint in " + dir + "/checkpoints",
                               "an output directory a run has written a checkpoint to");
  }
  return path;
}

// What a restart may change: how long the run goes on, what it writes
// when, and how the box is cut over the ranks. Anything else would not be
// the run the checkpoint belongs to.
bool safe_to_change(const std::string& key) {
  static const std::vector<std::string> keys = {
      "run.steps",        "run.walltime",           "output.dir",
      "output.thermo_every", "output.checkpoint_every", "output.checkpoint_keep",
      "output.trajectory_every", "decomposition.gpu_aware_mpi",
      // How the box is cut: a restart on another grid (or rank count)
      // redistributes the particles and continues to within rounding.
      "decomposition.grid", "decomposition.axis", "decomposition.balance_every",
      "decomposition.balance_threshold", "decomposition.balance_by", "decomposition.balance_damping"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The configuration of a restart from `path`: the checkpoint's own deck text
// and --set overrides (plus this command's --set) when no deck is given;
// otherwise the deck given, which may differ from the checkpoint's only in
// what is safe to change (one line naming the first other key, with both
// values).
strata::Config restart_config(const std::string& path, const std::string& deck, const std::vector<std::string>& sets,
                              const std::string& output) {
  const strata::CheckpointMeta meta = strata::read_checkpoint_meta(path);
  const std::string stored = path + ":/strata/deck";
  strata::Config cfg;
  if (deck.empty()) {
    std::vector<std::string> all = meta.deck_overrides;
    all.insert(all.end(), sets.begin(), sets.end());
    cfg = finish_config(strata::load_deck_text(meta.deck_text, stored, all), output);
    // Keep the original deck's name for messages and the next resume hint.
    if (!meta.deck_path.empty()) cfg.deck_path = meta.deck_path;
  } else {
    cfg = load_config(deck, sets, output);
  }
  if (!meta.deck_path.empty()) {
    const strata::Config original = strata::load_deck_text(meta.deck_text, stored, meta.deck_overrides);
    for (const auto& difference : strata::deck_differences(original, cfg)) {
      // Named, not a structured binding: lambdas capture those only from C++20.
      const std::string& key = difference.first;
      const auto& values = difference.second;
      if (safe_to_change(key)) continue;
      const bool from_set = std::any_of(sets.begin(), sets.end(), [&](const std::string& s) {
        return s.rfind(key + "=", 0) == 0 || s.rfind(key + " =", 0) == 0;
      });
      throw strata::InputError(from_set || deck.empty() ? "--set " + key : cfg.deck_path,
                               from_set || deck.empty() ? 0 : line_of(cfg, key),
                               key + " is " + values.second + " but " + path + " was written with " + values.first,
                               "the checkpoint's value: a restart may change only run.steps, run.walltime, "
                               "output.dir, the output cadences and the [decomposition] keys");
    }
  }
  // Files of an older Strata carry no overrides: check what must agree.
  auto mismatch = [&](const std::string& key, const std::string& what) {
    throw strata::InputError(cfg.deck_path, line_of(cfg, key), path + " was written with " + what,
                             "the deck the checkpoint was written with (its text is in /strata)");
  };
  if (meta.particle_count != cfg.particles.count)
    mismatch("particles.count", std::to_string(meta.particle_count) + " particles");
  for (int d = 0; d < 3; ++d) {
    if (meta.box[d] != cfg.system.box[d]) mismatch("system.box", "another box");
    if (meta.boundary[d] != cfg.system.boundary[d]) mismatch("system.boundary", "other boundaries");
  }
  if (meta.seed != cfg.run.seed) mismatch("run.seed", "seed " + std::to_string(meta.seed));
  if (meta.step > cfg.run.steps)
    throw strata::InputError(cfg.deck_path, line_of(cfg, "run.steps"),
                             path + " is at step " + std::to_string(meta.step) + ", past run.steps = " +
                                 std::to_string(cfg.run.steps),
                             "run.steps at or beyond the checkpoint's step");
  return cfg;
}

int run_command(MPI_Comm comm, const strata::KokkosSession& kokkos, const std::string& program,
                const std::string& deck, const std::vector<std::string>& sets, const std::string& output,
                bool overwrite, const std::string& restart) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  strata::Config cfg;
  std::string restart_path;
  std::vector<std::string> restart_warnings;
  strata::install_crash_reporter(rank);
  int status = collective_check(comm, [&] {
    if (!restart.empty() && overwrite)
      throw strata::InputError("command line", 0, "--restart and --overwrite together",
                               "one of them: --overwrite would delete the checkpoints");
    if (deck.empty() && restart.empty())
      throw strata::InputError("command line", 0, "no deck given",
                               "a deck file, or --restart PATH|latest to continue a run from its checkpoint");
    if (!restart.empty()) {
      // The checkpoint first: without a deck, it holds the run's deck.
      std::string dir = output;
      if (dir.empty()) {
        if (deck.empty())
          throw strata::InputError("command line", 0, "--restart without a deck or --output",
                                   "--output DIR, the directory of the run to continue");
        dir = load_config(deck, sets, output).output.dir;
      }
      restart_path = find_restart(comm, dir, restart, restart_warnings);
      cfg = restart_config(restart_path, deck, sets, output);
    } else {
      cfg = load_config(deck, sets, output);
    }
    strata::check_decomposition(cfg, ranks);
    if (cfg.decomposition.gpu_aware_mpi == strata::GpuAwareMpi::On && !strata::mpi_reads_device_memory())
      throw strata::InputError(cfg.deck_path, line_of(cfg, "decomposition.gpu_aware_mpi"),
                               "decomposition.gpu_aware_mpi is \"on\" but " + strata::mpi_device_memory_support(),
                               "\"off\" or \"auto\", or an MPI library that reads device memory");
  });
  if (status != kExitOk) {
    if (rank == 0)
      for (const auto& w : restart_warnings) std::fprintf(stderr, "%s\n", w.c_str());
    return status;
  }
  const bool gpu_aware = cfg.decomposition.gpu_aware_mpi != strata::GpuAwareMpi::Off && strata::mpi_reads_device_memory();
  // Only rank 0 touches the directory; the others learn the outcome. A
  // resumed run continues the results already there.
  status = collective_check(comm, [&] {
    if (rank != 0) return;
    const bool from_cli = !output.empty();
    if (!restart_path.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(cfg.output.dir, ec);  // a new directory may continue a checkpoint
      strata::check_writable_dir(cfg.output.dir, from_cli ? "--output" : cfg.deck_path,
                                 from_cli ? 0 : line_of(cfg, "output.dir"));
      return;
    }
    strata::prepare_output_dir(cfg.output.dir, overwrite, from_cli ? "--output" : cfg.deck_path,
                               from_cli ? 0 : line_of(cfg, "output.dir"));
  });
  if (status != kExitOk) return status;

  // From here on, what rank 0 says (and warnings from any rank) is also in
  // log.txt; a resumed run adds to the log of the run it continues.
  strata::runlog::open(comm, cfg.output.dir, !restart_path.empty());
  strata::runlog::say(version_string());
  // What the backend said while starting (held back so that input errors
  // stay one line), and whether its threads have cores to run on.
  if (rank == 0)
    for (const auto& note : kokkos.backend_notes()) strata::runlog::warn("Kokkos: " + note);
  if (const std::string w = kokkos.thread_binding_warning(comm); !w.empty()) strata::runlog::warn(w);
  if (cfg.decomposition.gpu_aware_mpi != strata::GpuAwareMpi::Off)
    strata::runlog::say(std::string("strata: MPI messages ") +
                        (gpu_aware ? "from device memory (GPU-aware MPI: " : "staged through host memory (") +
                        strata::mpi_device_memory_support() + ")");
  for (const auto& w : restart_warnings) strata::runlog::error(w);
  strata::RunMonitor monitor(rank);
  try {
    strata::arm_fault_injection(rank);
    strata::install_stop_handlers();
    strata::run_simulation(comm, cfg, strata::RunOptions{overwrite, restart_path, gpu_aware, program}, monitor);
  } catch (const strata::InputError& e) {
    // A damaged checkpoint or particles.file found while setting up: the
    // readers agree over ranks, so every rank is here with the same error.
    if (rank == 0) std::fprintf(stderr, "strata: error: %s\n", e.what());
    strata::runlog::close();
    return kExitInput;
  } catch (const strata::CollectiveFailure& e) {
    strata::runlog::error(std::string("strata: error: ") + e.what());
    if (rank == 0) monitor.failed(rank, e.what());
    strata::runlog::close();
    return kExitRuntime;
  } catch (const strata::h5::AgreedWriteFailure& e) {
    // An output file every rank failed to write (a full disk): a collective
    // failure too. Checkpoints already written are untouched.
    const std::string what = std::string(e.what()) + strata::write_failure_note(cfg.output.dir, 16e6) +
                             "; checkpoints already written are untouched";
    strata::runlog::error("strata: error: " + what);
    if (rank == 0) monitor.failed(rank, what);
    strata::runlog::close();
    return kExitRuntime;
  } catch (const std::exception& e) {
    // Possibly this rank alone: take the job down rather than leave the
    // other ranks waiting in a collective forever.
    strata::runlog::fatal_error(rank, e.what());
    monitor.failed(rank, e.what());
    MPI_Abort(comm, kExitRuntime);
  }
  strata::runlog::close();
  return kExitOk;
}

int validate_command(MPI_Comm comm, const std::string& deck, const std::vector<std::string>& sets, int ranks) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  strata::Config cfg;
  const int status = collective_check(comm, [&] {
    cfg = load_config(deck, sets, "");
    strata::check_decomposition(cfg, ranks);
  });
  if (status != kExitOk) return status;
  if (rank == 0) std::printf("%s%s: ok\n", strata::describe_plan(cfg, ranks).c_str(), deck.c_str());
  return kExitOk;
}

int dispatch(const strata::KokkosSession& kokkos, int argc, char** argv) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  CLI::App app{"Strata: slab-decomposed particle simulator (MPI + Kokkos + HDF5)", "strata"};
  app.set_version_flag("--version", version_string(), "Print the version and the libraries Strata was built with");
  app.require_subcommand(1);

  std::string deck, output, restart;
  std::vector<std::string> sets;
  bool overwrite = false;
  int validate_ranks = 1;

  auto* run = app.add_subcommand("run", "Run the simulation a deck describes");
  run->add_option("deck", deck,
                  "Input deck (TOML); with --restart it may be left out: the checkpoint holds the run's deck and "
                  "--set overrides");
  run->add_option("--set", sets, "Override a deck key by its dotted path, KEY=VALUE (repeatable)");
  run->add_option("--output", output, "Output directory (overrides output.dir)");
  run->add_flag("--overwrite", overwrite, "Replace results already in the output directory");
  run->add_option("--restart", restart,
                  "Continue from a checkpoint file, or 'latest': the newest valid one in the output directory");

  auto* validate = app.add_subcommand("validate", "Check a deck and print the decomposition plan without running");
  validate->add_option("deck", deck, "Input deck (TOML)")->required();
  validate->add_option("--set", sets, "Override a deck key by its dotted path, KEY=VALUE (repeatable)");
  validate->add_option("--ranks", validate_ranks, "Number of MPI ranks to plan for")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    if (rank == 0) app.exit(e);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (rank == 0) std::fprintf(stderr, "strata: error: command line: %s (expected see 'strata --help')\n", e.what());
    return kExitInput;
  }

  if (run->parsed()) return run_command(MPI_COMM_WORLD, kokkos, argv[0], deck, sets, output, overwrite, restart);
  return validate_command(MPI_COMM_WORLD, deck, sets, validate_ranks);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  // Kokkos sees only its own --kokkos-* flags (it would otherwise answer
  // --help with its own help); CLI11 sees the rest.
  std::vector<char*> kokkos_args{argv[0]}, strata_args{argv[0]};
  for (int i = 1; i < argc; ++i)
    (std::string(argv[i]).rfind("--kokkos-", 0) == 0 ? kokkos_args : strata_args).push_back(argv[i]);
  int kokkos_argc = static_cast<int>(kokkos_args.size());
  kokkos_args.push_back(nullptr);
  int status = kExitOk;
  {
    const strata::KokkosSession kokkos(kokkos_argc, kokkos_args.data());
    status = dispatch(kokkos, static_cast<int>(strata_args.size()), strata_args.data());
  }
  // HDF5 shuts down here, while MPI is whole, rather than from inside
  // MPI_Finalize: after a failed write (disk full) closing what is left of
  // that file then crashed in HDF5 1.10.
  H5close();
  MPI_Finalize();
  return status;
}
