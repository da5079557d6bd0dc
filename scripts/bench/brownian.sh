#!/usr/bin/env bash
# Benchmark: inputs/brownian.toml (number density 0.5, D = 1, dt = 0.001)
# at 1e6 and 1e7 particles on 1 and 2 ranks, beside the naive reference
# (every rank gathers every particle every step: scripts/bench/naive_broadcast.cpp)
# run on the same machine in the same invocation.
#
# Prints, per point: particle-steps/s of Strata and of the reference and their
# ratio, bytes sent per rank per step (mean over ranks), peak memory per
# particle (sum over ranks of the peak RSS / N), and the memory roofline:
# the machine's bandwidth on as many ranks (a STREAM triad,
# scripts/bench/stream_triad.cpp, run in the same invocation), the bytes the
# Brownian step moves per particle in a periodic box (kernels/Propagators.hpp:
# 56 for uniform noise, whose vectorized CPU kernel touches the image
# counts only of the rows that crossed an edge (about one in a thousand
# per step here: 0.1 B a particle, not counted); 68 for Gaussian noise,
# whose kernel reads every image count and stores it only when it changed) and the fraction of that bandwidth the step reaches (rate x
# bytes / triad): "of triad" for the whole step loop (migration and the
# thermo rows at the first and last step included), "kernel" for the
# propagation kernel alone (the summary's integrate time). The triad counts
# 24 bytes per element as STREAM does (no write-allocate traffic), over
# arrays larger than most caches; at 1e6 the particles (32 MB) may fit a
# large last-level cache, and the fraction then exceeds what memory alone
# allows. Each Strata point is the median of REPS
# runs (default 3), with the range. Figures, not assertions: the
# machine is shared and noisy, so compare the ratio, not the absolute rate.
#
#   scripts/bench/brownian.sh            full run (about 6 minutes)
#   STEPS_1E6=50 STEPS_1E7=5 scripts/bench/brownian.sh   shorter
#   STRATA_BUILD_DIR=build-omp LAYOUTS="1x1 1x2 2x1" scripts/bench/brownian.sh
#       another build (e.g. against a Kokkos with OpenMP: setup.sh is then
#       not run) and ranks x threads per rank: 1 rank x 2 threads beside
#       2 ranks x 1 thread. A layout with threads unpins its ranks
#       (--bind-to none) and pins the threads (OMP_PROC_BIND=spread,
#       OMP_PLACES=threads); the reference runs on the same ranks.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${STRATA_BUILD_DIR:-build}
[ "$BUILD" = build ] && scripts/setup.sh >/dev/null
LAYOUTS=${LAYOUTS:-1x1 2x1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STEPS_1E6=${STEPS_1E6:-200}
STEPS_1E7=${STEPS_1E7:-50}  # the thermo rows at both ends cost about 2 steps
NOISES=${NOISES:-uniform gaussian}

field() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))" "$@"; }

# launch RANKSxTHREADS COMMAND...: mpirun with that many ranks and threads.
launch() {
  local np=${1%x*} threads=${1#*x}
  shift
  local bind=()
  [ "$threads" -gt 1 ] && bind=(--bind-to none -x OMP_PROC_BIND=spread -x OMP_PLACES=threads)
  OMP_NUM_THREADS=$threads OMP_PROC_BIND=spread OMP_PLACES=threads \
    mpirun -q --oversubscribe -np "$np" -x OMP_NUM_THREADS "${bind[@]}" "$@"
}
echo "$("$BUILD/strata" --version)"

REPS=${REPS:-3}
# Bytes per particle-step: reads position 24, id 8 (and image 12 for Gaussian noise); writes position 24.
declare -A BYTES_PER_STEP=([uniform]=56 [gaussian]=68)
declare -A triad
for np in $LAYOUTS; do
  triad[$np]=$(launch "$np" "$BUILD/stream_triad" | sed 's/.*triad_bytes_per_s=\([^ ]*\).*/\1/')
  echo "STREAM triad on $np (ranks x threads): $("$PY" -c "print(f'{${triad[$np]} / 1e9:.1f}')") GB/s"
done
printf '%-9s %-6s %-9s %28s %15s %7s %14s %14s %11s %11s %9s %7s\n' particles rk×thr noise "strata p-st/s (range)" \
  "naive p-st/s" ratio "strata B/rk/st" "naive B/rk/st" "strata B/p" "naive B/p" "of triad" kernel
for n in 1000000 10000000; do
  L=$("$PY" -c "print(round(($n / 0.5) ** (1 / 3), 6))")
  steps=$STEPS_1E6
  [ "$n" -eq 10000000 ] && steps=$STEPS_1E7
  for np in $LAYOUTS; do
    # The reference first, then Strata, back to back on the same machine.
    naive=$(launch "$np" "$BUILD/naive_broadcast" "$n" "$steps" "$L")
    n_rate=$(sed 's/.*particle_steps_per_s=\([^ ]*\).*/\1/' <<<"$naive")
    n_bytes=$(sed 's/.*bytes_per_rank_step=\([^ ]*\).*/\1/' <<<"$naive")
    n_rss=$(sed 's/.*peak_rss_bytes_total=\([^ ]*\).*/\1/' <<<"$naive")
    for noise in $NOISES; do
      out="$WORK/n$n.np$np.$noise"
      rates=()
      kernel_rates=()
      for ((rep = 0; rep < REPS; rep++)); do
        launch "$np" "$BUILD/strata" run inputs/brownian.toml --output "$out" \
          --set particles.count="$n" --set "system.box=[$L, $L, $L]" --set run.steps="$steps" \
          --set output.thermo_every="$steps" --set propagator.noise=\""$noise"\" >"$out.log"
        rates+=("$(field "$out/summary.json" particle_steps_per_s)")
        kernel_rates+=("$(field "$out/summary.json" "particles * steps / time_s['integrate']")")
        s_bytes=$(field "$out/summary.json" "bytes_per_rank_step['mean']")
        s_bpp=$(field "$out/summary.json" peak_bytes_per_particle)
        rm -rf "$out"
      done
      read -r s_rate s_range < <("$PY" -c "import statistics, sys; v = [float(x) for x in sys.argv[1:]]; \
print(statistics.median(v), f'({min(v):.3g}-{max(v):.3g})')" "${rates[@]}")
      k_rate=$("$PY" -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "${kernel_rates[@]}")
      printf '%-9s %-6s %-9s %14.4g %-13s %15.4g %7.2f %14.4g %14.4g %11.1f %11.1f %8.0f%% %6.0f%%\n' "$n" "$np" "$noise" \
        "$s_rate" "$s_range" "$n_rate" "$("$PY" -c "print($s_rate / $n_rate)")" "$s_bytes" "$n_bytes" "$s_bpp" \
        "$("$PY" -c "print($n_rss / $n)")" "$("$PY" -c "print(100 * $s_rate * ${BYTES_PER_STEP[$noise]} / ${triad[$np]})")" \
        "$("$PY" -c "print(100 * $k_rate * ${BYTES_PER_STEP[$noise]} / ${triad[$np]})")"
    done
  done
done
echo
echo "targets: >= 3e7 particle-steps/s on 2 ranks at 1e6 (uniform noise, the deck's default); <= 100 B/particle at 1e7;"
echo "         the step at >= 70% of the triad bandwidth on 2 ranks (issue 14)"
echo "naive reference runs uniform noise; its B/p includes the N-sized gather buffer every rank must hold"
