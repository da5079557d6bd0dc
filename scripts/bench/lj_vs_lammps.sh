#!/usr/bin/env bash
# Benchmark: the LJ liquid of LAMMPS' bench/in.lj (fcc, density 0.8442,
# T 1.44, cutoff 2.5, skin 0.3, velocity Verlet, dt 0.005) in Strata and in
# Debian's LAMMPS (installed if missing), at 32,000 and 256,000 atoms on 1
# and 2 ranks, alternating the two codes at each point in one run.
#
# Both codes integrate the same initial state: LAMMPS creates it (in.lj's
# lattice and `velocity create 1.44 87287 loop geom`) and writes it with
# write_data; Strata reads it converted to H5MD (tests/data/lammps_lj/
# data2h5md.py). With the same neighbour policy (a displacement check every
# step, a rebuild when any atom moved more than half the skin; LAMMPS:
# neigh_modify delay 0 every 1 check yes) both then rebuild their lists at the
# same steps, so the comparison is engine against engine. Prints atom-steps/s
# of each, the
# ratio Strata/LAMMPS, and peak memory per atom (sum over ranks of each
# process's peak RSS from GNU time, divided by the atoms). Figures, not
# assertions: the machine is shared, so read the ratio.
#
#   scripts/bench/lj_vs_lammps.sh                 full (a few minutes)
#   STEPS=50 scripts/bench/lj_vs_lammps.sh        shorter
#   REPS=5 scripts/bench/lj_vs_lammps.sh          repetitions per point (default 3): median and range
#   LJ_EVERY=20 LJ_CHECK=no STEPS=1000 scripts/bench/lj_vs_lammps.sh
#       both codes on in.lj's shipped neighbour policy (every 20 steps, unchecked)
#   STRATA_BUILD_DIR=build-omp LAYOUTS="1x1 1x2 2x1" scripts/bench/lj_vs_lammps.sh
#       another Strata build (e.g. against a Kokkos with OpenMP) and its
#       ranks x threads per rank; LAMMPS (no OpenMP in Debian's build) runs
#       on as many ranks as Strata uses cores. A layout with threads unpins
#       its ranks (--bind-to none) and pins the threads (OMP_PROC_BIND=spread,
#       OMP_PLACES=threads).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${STRATA_BUILD_DIR:-build}
[ "$BUILD" = build ] && scripts/setup.sh >/dev/null
LAYOUTS=${LAYOUTS:-1x1 2x1}
need=()
command -v lmp >/dev/null || need+=(lammps)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
STEPS=${STEPS:-100}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-ljbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STRATA=$(pwd)/$BUILD/strata
# shellcheck source=scripts/bench/lj_case.sh
source scripts/bench/lj_case.sh
echo "$("$STRATA" --version)"

# sum_rss FILE...: total of the per-rank peak RSS (KiB) that GNU time wrote.
sum_rss() { cat "$@" | awk '/^maxrss_kib=/{split($0, a, "="); s += a[2]} END {print s * 1024}'; }

lammps_point() {  # cells ranks -> "atom-steps/s bytes"
  local cells=$1 np=$2 dir="$WORK/lammps.$1.$2"
  mkdir -p "$dir"
  lj_lammps_input "$1" "$STEPS" >"$dir/in.lj"
  (cd "$dir" && mpirun -q --oversubscribe -np "$np" /usr/bin/time -f "maxrss_kib=%M" -o "rss.%p" \
    lmp -in in.lj -log log.lammps -screen none) >/dev/null 2>&1 || true
  local loop atoms
  loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on .* for \([0-9]*\) steps with \([0-9]*\) atoms/\1/p' "$dir/log.lammps")
  atoms=$(sed -n 's/^Loop time of .* with \([0-9]*\) atoms/\1/p' "$dir/log.lammps")
  echo "$(/usr/bin/python3 -c "print($atoms * $STEPS / $loop)") $(sum_rss "$dir"/rss.*) $atoms"
}

strata_point() {  # cells RANKSxTHREADS lammps-ranks -> "atom-steps/s bytes"  (after lammps_point made the state)
  local cells=$1 layout=$2 lranks=$3 dir="$WORK/strata.$1.$2"
  local np=${layout%x*} threads=${layout#*x}
  local bind=()
  [ "$threads" -gt 1 ] && bind=(--bind-to none -x OMP_PROC_BIND=spread -x OMP_PLACES=threads)
  mkdir -p "$dir"
  rm -rf "$dir/out"  # a repetition's output directory: Strata never overwrites one
  local atoms=$((4 * cells * cells * cells))
  # inputs/lj.toml's physics, from the file LAMMPS wrote.
  lj_strata_deck "$WORK/lammps.$cells.$lranks/initial.data" "$WORK/initial.$cells.h5" "$STEPS" >"$dir/lj_from_lammps.toml"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -q --oversubscribe -np "$np" -x OMP_NUM_THREADS "${bind[@]}" \
    /usr/bin/time -f "maxrss_kib=%M" -o "rss.%p" "$STRATA" run lj_from_lammps.toml --output out >log.txt 2>&1)
  echo "$(/usr/bin/python3 -c "import json; print(json.load(open('$dir/out/summary.json'))['particle_steps_per_s'])") $(sum_rss "$dir"/rss.*) $atoms"
}

REPS=${REPS:-3}
echo "$REPS repetitions per point, the codes alternating; median (min-max) of atom-steps/s; neighbour policy: every ${LJ_EVERY:-1} check ${LJ_CHECK:-yes}"
printf '%-8s %-8s %-8s %26s %26s %14s %14s %14s\n' atoms strata lammps "strata a-st/s" "lammps a-st/s" \
  "ratio (range)" "strata B/atom" "lammps B/atom"
for cells in 20 40; do
  for layout in $LAYOUTS; do
    lranks=$((${layout%x*} * ${layout#*x}))
    s_rates=() l_rates=()
    for ((rep = 0; rep < REPS; rep++)); do
      read -r l_rate l_rss atoms < <(lammps_point "$cells" "$lranks")
      read -r s_rate s_rss _ < <(strata_point "$cells" "$layout" "$lranks")
      s_rates+=("$s_rate")
      l_rates+=("$l_rate")
    done
    /usr/bin/python3 - "$atoms" "$layout" "$lranks" "$s_rss" "$l_rss" "${s_rates[*]}" "${l_rates[*]}" <<'PY'
import statistics, sys
atoms, layout, lranks = sys.argv[1:4]
sr, lr = float(sys.argv[4]), float(sys.argv[5])
s = [float(v) for v in sys.argv[6].split()]
l = [float(v) for v in sys.argv[7].split()]
ratios = [a / b for a, b in zip(s, l)]
n = float(atoms)
def fmt(v):
    return f"{statistics.median(v):.4g} ({min(v):.3g}-{max(v):.3g})"
print(f"{atoms:<8} {layout + ' rk×thr':<8} {lranks + ' rk':<8} {fmt(s):>26} {fmt(l):>26} "
      f"{statistics.median(ratios):5.2f} ({min(ratios):.2f}-{max(ratios):.2f}) {sr / n:8.0f} {lr / n:14.0f}")
PY
  done
done
echo
echo "LAMMPS: $(lmp -h | sed -n '2p' | sed 's/^ *//'), one MPI rank per process, no OpenMP (Debian's build)."
echo "targets: ratio >= 1.0 at every point; Strata memory per atom <= LAMMPS'"
