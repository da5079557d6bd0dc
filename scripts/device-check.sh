#!/usr/bin/env bash
# What to run on a machine with an NVIDIA GPU: builds Strata for CUDA against
# a Kokkos 4.x built with CUDA (its install prefix, holding bin/nvcc_wrapper),
# runs the whole test suite on the GPU build, then the Brownian and LJ
# benchmarks on the GPU beside the CPU build, printing atom-steps/s of each.
#
#   scripts/device-check.sh /path/to/kokkos-cuda             build in build-cuda, test, benchmark
#   scripts/device-check.sh --prebuilt build-cuda            a CUDA build made elsewhere (a login node)
#
# Environment: CPU_BUILD (default build; made with scripts/setup.sh when
# missing), CPU_RANKS (default: the cores here), BENCH_STEPS (default 200),
# SKIP_TESTS=1, SKIP_BENCH=1. Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "${1:-}" = --prebuilt ]; then
  GPU_BUILD=${2:?usage: device-check.sh --prebuilt BUILD_DIR}
else
  KOKKOS=${1:?usage: device-check.sh KOKKOS_CUDA_PREFIX | --prebuilt BUILD_DIR}
  GPU_BUILD=${GPU_BUILD:-build-cuda}
  [ -x "$KOKKOS/bin/nvcc_wrapper" ] || { echo "device-check: no $KOKKOS/bin/nvcc_wrapper" >&2; exit 2; }
  cmake -S . -B "$GPU_BUILD" -DCMAKE_BUILD_TYPE=Release -DKokkos_ROOT="$KOKKOS" \
    -DCMAKE_CXX_COMPILER="$KOKKOS/bin/nvcc_wrapper" >"$GPU_BUILD.cmake.log" 2>&1 || { cat "$GPU_BUILD.cmake.log"; exit 1; }
  cmake --build "$GPU_BUILD" -j "$(nproc)" 2>&1 | tail -3
fi
CPU_BUILD=${CPU_BUILD:-build}
[ -x "$CPU_BUILD/strata" ] || STRATA_BUILD_DIR="$CPU_BUILD" scripts/setup.sh >/dev/null
CPU_RANKS=${CPU_RANKS:-$(nproc)}
STEPS=${BENCH_STEPS:-200}
echo "GPU build: $("$GPU_BUILD/strata" --version)"
echo "CPU build: $("$CPU_BUILD/strata" --version)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

if [ "${SKIP_TESTS:-0}" != 1 ]; then
  echo "== test suite on the GPU build (1 thread per rank on the host side)"
  (cd "$GPU_BUILD" && STRATA_TEST_THREADS=1 ctest --output-on-failure -j 4 2>&1 | tail -40) || true
fi
[ "${SKIP_BENCH:-0}" = 1 ] && exit 0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-device.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
rate() {  # BUILD RANKS DECK ARGS... -> particle-steps/s of the step loop
  local build=$1 np=$2 deck=$3
  shift 3
  local out="$WORK/run.$RANDOM"
  mpirun -q --oversubscribe -np "$np" "$build/strata" run "$deck" --output "$out" --set run.steps="$STEPS" \
    --set output.thermo_every="$STEPS" "$@" >"$out.log" 2>&1 || { cat "$out.log" >&2; echo 0; return; }
  /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['particle_steps_per_s'])" "$out/summary.json"
  rm -rf "$out"
}
echo "== atom-steps/s, $STEPS steps (GPU: 1 rank; CPU: 1 rank and up to $CPU_RANKS ranks, as many as the box allows)"
printf '%-22s %14s %14s %20s %10s\n' case gpu "cpu 1 rank" "cpu N ranks" "gpu/cpu"
bench() {
  local name=$1 deck=$2
  shift 2
  local g c1 cn np=$CPU_RANKS allowed
  # Slabs must be at least cutoff + skin thick: fewer ranks for a small box.
  if ! "$CPU_BUILD/strata" validate "$deck" "$@" --ranks "$np" >/dev/null 2>"$WORK/validate.err"; then
    allowed=$(sed -n 's/.*at most \([0-9]*\) ranks.*/\1/p' "$WORK/validate.err")
    np=${allowed:-1}
  fi
  g=$(rate "$GPU_BUILD" 1 "$deck" "$@")
  c1=$(rate "$CPU_BUILD" 1 "$deck" "$@")
  cn=$(rate "$CPU_BUILD" "$np" "$deck" "$@")
  /usr/bin/python3 -c "import sys; n,np,g,a,b=sys.argv[1],sys.argv[2],*map(float,sys.argv[3:]); print(f'{n:<22} {g:14.4g} {a:14.4g} {b:11.4g} ({np:>2} rk) {g/max(b,1e-300):10.2f}')" \
    "$name" "$np" "$g" "$c1" "$cn"
}
for n in 1000000 10000000; do
  L=$(/usr/bin/python3 -c "print(round(($n / 0.5) ** (1 / 3), 6))")
  bench "brownian $n" inputs/brownian.toml --set particles.count="$n" --set "system.box=[$L, $L, $L]"
done
for cells in 20 40; do
  bench "lj $((4 * cells * cells * cells))" inputs/lj.toml --set particles.count=$((4 * cells * cells * cells))
done
