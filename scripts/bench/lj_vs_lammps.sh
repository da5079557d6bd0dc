#!/usr/bin/env bash
# Benchmark: the LJ liquid of LAMMPS' bench/in.lj (fcc, density 0.8442,
# T 1.44, cutoff 2.5, skin 0.3, velocity Verlet, dt 0.005) in Strata (double
# and mixed precision, interaction.precision) and in Debian's LAMMPS
# (installed if missing), at 32,000 and 256,000 atoms on 1 and 2 ranks,
# alternating the codes at each point in one run.
#
# Both codes integrate the same initial state: LAMMPS creates it (in.lj's
# lattice and `velocity create 1.44 87287 loop geom`) and writes it with
# write_data; Strata reads it converted to H5MD (tests/data/lammps_lj/
# data2h5md.py).
#
# MODE=same (default): the same neighbour policy for both (a displacement
# check every step, a rebuild when any atom moved more than half the skin;
# LAMMPS: neigh_modify delay 0 every 1 check yes), so both rebuild their
# lists at the same steps: engine against engine. Rates are atom-steps per
# second of the step loop (LAMMPS' "Loop time", Strata's summary.json).
# MODE=shipped: each code as it ships, 1000 steps: LAMMPS' in.lj rebuilds
# blindly every 20 steps (every 20 check no), Strata's inputs/lj.toml checks
# every step; rates from the whole process's wall time (GNU time, start-up
# and output included).
#
# Prints per point the median and range over REPS repetitions of each
# code's atom-steps/s, the ratios Strata/LAMMPS, peak memory per atom (sum
# over ranks of each process's peak RSS from GNU time, divided by the
# atoms), and, from the last repetition, the time per phase beside LAMMPS'
# breakdown (us per 1000 atom-steps): Pair | force, Neigh | neighbour
# (binning, sort, list build), Comm | communication, Modify | integrate.
# Figures, not assertions: the machine is shared, so read the ratios.
#
#   scripts/bench/lj_vs_lammps.sh                 full (several minutes)
#   STEPS=50 REPS=1 scripts/bench/lj_vs_lammps.sh shorter
#   MODE=shipped scripts/bench/lj_vs_lammps.sh    each code as it ships, whole process, 1000 steps
#   PRECISIONS=double scripts/bench/lj_vs_lammps.sh   Strata in double only
#   CELLS=20 scripts/bench/lj_vs_lammps.sh        32,000 atoms only (CELLS=40: 256,000)
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
PRECISIONS=${PRECISIONS:-double mixed}
MODE=${MODE:-same}
need=()
command -v lmp >/dev/null || need+=(lammps)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
case "$MODE" in
  same) STEPS=${STEPS:-100} ;;
  shipped)
    STEPS=${STEPS:-1000}
    export LJ_EVERY=20 LJ_CHECK=no STRATA_LJ_EVERY=1 STRATA_LJ_CHECK=yes
    ;;
  *) echo "MODE must be same or shipped" >&2 && exit 2 ;;
esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-ljbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STRATA=$(pwd)/$BUILD/strata
# shellcheck source=scripts/bench/lj_case.sh
source scripts/bench/lj_case.sh
"$STRATA" --version

# sum_rss FILE...: total of the per-rank peak RSS (KiB) that GNU time wrote.
sum_rss() { cat "$@" | awk '/^maxrss_kib=/{split($0, a, "="); s += a[2]} END {print s * 1024}'; }
# max_wall FILE...: the longest whole-process wall time (s) of the ranks.
max_wall() { cat "$@" | awk '/^wall_s=/{split($0, a, "="); if (a[2] > m) m = a[2]} END {print m}'; }
TIMEFMT=$'maxrss_kib=%M\nwall_s=%e'
# timed COMMAND...: the command under GNU time, its figures in rss.RANK (one
# file per rank: time's -o takes no pattern, so Open MPI's rank variable
# names it; before this, every rank wrote the one file "rss.%p" and the
# sums held the last rank's figure alone).
timed() { /usr/bin/time -f "$TIMEFMT" -o "rss.${OMPI_COMM_WORLD_RANK:?run under Open MPI}" "$@"; }
export -f timed
export TIMEFMT

lammps_point() {  # cells ranks -> "atom-steps/s bytes atoms"
  local cells=$1 np=$2 dir="$WORK/lammps.$1.$2"
  mkdir -p "$dir"
  rm -f "$dir"/rss.*
  lj_lammps_input "$1" "$STEPS" >"$dir/in.lj"
  (cd "$dir" && mpirun -q --oversubscribe -np "$np" bash -c 'timed "$@"' timed \
    lmp -in in.lj -log log.lammps -screen none) >/dev/null 2>&1 || true
  local loop atoms
  loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on .* for \([0-9]*\) steps with \([0-9]*\) atoms/\1/p' "$dir/log.lammps")
  atoms=$(sed -n 's/^Loop time of .* with \([0-9]*\) atoms/\1/p' "$dir/log.lammps")
  [ "$MODE" = shipped ] && loop=$(max_wall "$dir"/rss.*)
  echo "$(/usr/bin/python3 -c "print($atoms * $STEPS / $loop)") $(sum_rss "$dir"/rss.*) $atoms"
}

strata_point() {  # cells RANKSxTHREADS lammps-ranks precision -> "atom-steps/s bytes"  (after lammps_point made the state)
  local cells=$1 layout=$2 lranks=$3 precision=$4 dir="$WORK/strata.$1.$2.$4"
  local np=${layout%x*} threads=${layout#*x}
  local bind=()
  [ "$threads" -gt 1 ] && bind=(--bind-to none -x OMP_PROC_BIND=spread -x OMP_PLACES=threads)
  mkdir -p "$dir"
  rm -rf "$dir/out" "$dir"/rss.*  # a repetition's output directory: Strata never overwrites one
  # inputs/lj.toml's physics, from the file LAMMPS wrote.
  LJ_PRECISION=$precision lj_strata_deck "$WORK/lammps.$cells.$lranks/initial.data" "$WORK/initial.$cells.h5" \
    "$STEPS" >"$dir/lj_from_lammps.toml"
  (cd "$dir" && OMP_NUM_THREADS=$threads mpirun -q --oversubscribe -np "$np" -x OMP_NUM_THREADS "${bind[@]}" \
    bash -c 'timed "$@"' timed "$STRATA" run lj_from_lammps.toml --output out >log.txt 2>&1)
  local rate
  if [ "$MODE" = shipped ]; then
    rate=$(/usr/bin/python3 -c "print($((4 * cells * cells * cells)) * $STEPS / $(max_wall "$dir"/rss.*))")
  else
    rate=$(/usr/bin/python3 -c "import json; print(json.load(open('$dir/out/summary.json'))['particle_steps_per_s'])")
  fi
  echo "$rate $(sum_rss "$dir"/rss.*)"
}

# phases CELLS LAYOUT LRANKS: per-phase table of the last repetition.
phases() {
  local precisions=()
  read -r -a precisions <<<"$PRECISIONS"
  local summaries=()
  for p in "${precisions[@]}"; do summaries+=("$WORK/strata.$1.$2.$p/out/summary.json"); done
  /usr/bin/python3 - "$WORK/lammps.$1.$3/log.lammps" "$PRECISIONS" "${summaries[@]}" <<'PY'
import json, re, sys
log = open(sys.argv[1]).read()
names = sys.argv[2].split()
sums = [json.load(open(p)) for p in sys.argv[3:]]
m = re.search(r"Loop time of ([0-9.eE+-]+) on \d+ procs for (\d+) steps with (\d+) atoms", log)
l_loop, steps, atoms = float(m.group(1)), int(m.group(2)), int(m.group(3))
per = 1e9 / (atoms * steps)  # seconds -> us per 1000 atom-steps
l = {}
for name in ("Pair", "Neigh", "Comm", "Modify", "Output", "Other"):
    row = re.search(rf"^{name}\s*\|(.*)$", log, re.M)
    l[name] = float(row.group(1).split("|")[1]) if row else 0.0
rows = [("Pair", "force"), ("Neigh", "neighbor"), ("Comm", "communicate"), ("Modify", "integrate"),
        ("Output", "output"), ("Other", "other")]
head = "".join(f" {'Strata ' + n:>16}" for n in names)
print(f"    phase (us/1000 atom-steps)  {'LAMMPS':>8}{head}")
for ln, sn in rows:
    cells = ""
    for s in sums:
        t = dict(s["time_s"])
        t["other"] = max(0.0, s["loop_s"] - sum(v for k, v in t.items() if k != "mpi_wait"))
        cells += f" {t[sn] * per:16.1f}"
    print(f"    {ln + ' | ' + sn:<27} {l[ln] * per:8.1f}{cells}")
print(f"    {'step loop':<27} {l_loop * per:8.1f}" + "".join(f" {s['loop_s'] * per:16.1f}" for s in sums))
builds = re.search(r"Neighbor list builds = (\d+)", log)
print(f"    list builds: LAMMPS {builds.group(1) if builds else '?'}, Strata "
      + ", ".join(str(s["neighbor_builds"]) for s in sums))
PY
}

REPS=${REPS:-3}
policy="every ${LJ_EVERY:-1} check ${LJ_CHECK:-yes}"
[ "$MODE" = shipped ] && policy="LAMMPS every 20 check no, Strata every 1 check yes (each as shipped); whole-process wall time"
echo "MODE=$MODE, $STEPS steps, $REPS repetitions per point, the codes alternating; median (min-max); neighbour policy: $policy"
read -r -a precisions <<<"$PRECISIONS"
for cells in ${CELLS:-20 40}; do
  for layout in $LAYOUTS; do
    lranks=$((${layout%x*} * ${layout#*x}))
    l_rates=()
    declare -A s_rates=() s_rss=()
    for ((rep = 0; rep < REPS; rep++)); do
      read -r l_rate l_rss atoms < <(lammps_point "$cells" "$lranks")
      l_rates+=("$l_rate")
      for p in "${precisions[@]}"; do
        read -r rate rss < <(strata_point "$cells" "$layout" "$lranks" "$p")
        s_rates[$p]="${s_rates[$p]:-} $rate"
        s_rss[$p]=$rss
      done
    done
    args=()
    for p in "${precisions[@]}"; do args+=("$p" "${s_rates[$p]}" "${s_rss[$p]}"); done
    echo
    echo "$atoms atoms, Strata $layout (ranks x threads), LAMMPS $lranks ranks"
    /usr/bin/python3 - "$atoms" "$l_rss" "${l_rates[*]}" "${args[@]}" <<'PY'
import statistics, sys
atoms, l_rss = float(sys.argv[1]), float(sys.argv[2])
l = [float(v) for v in sys.argv[3].split()]
def fmt(v):
    return f"{statistics.median(v):.4g} ({min(v):.3g}-{max(v):.3g})"
print(f"    {'code':<16} {'atom-steps/s':>26} {'vs LAMMPS (range)':>19} {'B/atom':>8}")
print(f"    {'LAMMPS':<16} {fmt(l):>26} {'':>19} {l_rss / atoms:8.0f}")
rest = sys.argv[4:]
for k in range(0, len(rest), 3):
    name, s, rss = rest[k], [float(v) for v in rest[k + 1].split()], float(rest[k + 2])
    r = [a / b for a, b in zip(s, l)]
    ratio = f"{statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})"
    print(f"    {'Strata ' + name:<16} {fmt(s):>26} {ratio:>19} {rss / atoms:8.0f}")
PY
    phases "$cells" "$layout" "$lranks"
    unset s_rates s_rss
  done
done
echo
echo "LAMMPS: $(lmp -h | sed -n '2p' | sed 's/^ *//'), one MPI rank per process, no OpenMP (Debian's build)."
echo "targets (issue 14): double >= 2x LAMMPS, mixed >= 3x, at every point; Strata memory per atom <= LAMMPS'"
