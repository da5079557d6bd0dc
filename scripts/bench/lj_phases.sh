#!/usr/bin/env bash
# Where the LJ step's time goes, Strata beside LAMMPS, on the same initial
# state and neighbour policy as scripts/bench/lj_vs_lammps.sh (in.lj: fcc at
# density 0.8442, T 1.44, cutoff 2.5, skin 0.3, a displacement check every
# step). Two measurements:
#
# 1. Time per phase, in microseconds per 1000 atom-steps, from each code's
#    own breakdown: LAMMPS' "MPI task timing breakdown" (Pair, Neigh, Comm,
#    Modify = the integrator, Output, Other) and Strata's summary.json
#    (force, neighbour, communication, integrate, output); rows in the same
#    order, so Pair sits beside force and Neigh beside neighbour. Strata's
#    neighbour time holds the cell binning and list build; its communication
#    holds migration, ghost build and update and the force reverse, as
#    LAMMPS' Comm does. Times are noisy on a shared machine: read them side
#    by side from one run.
# 2. Instructions per atom-step under valgrind --tool=callgrind (stable when
#    times are not), whole program and pair kernel, from two runs of
#    different lengths so that set-up cancels: (I(long) - I(short)) /
#    (atoms x (long - short)).
#
#   scripts/bench/lj_phases.sh                         32,000 atoms timed, 4,000 under callgrind
#   CELLS=40 RANKS=2 STEPS=200 scripts/bench/lj_phases.sh
#   CG_CELLS=0 scripts/bench/lj_phases.sh              no callgrind
#   STRATA_BUILD_DIR=build-omp scripts/bench/lj_phases.sh
#   STRATA_BUILD_DIR=build-v3 scripts/bench/lj_phases.sh  callgrind needs a build valgrind decodes:
#                                                      -DSTRATA_ARCH=x86-64-v3 (no AVX-512)
# Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${STRATA_BUILD_DIR:-build}
[ "$BUILD" = build ] && scripts/setup.sh >/dev/null
CELLS=${CELLS:-20}
RANKS=${RANKS:-1}
STEPS=${STEPS:-200}
CG_CELLS=${CG_CELLS:-10}
CG_STEPS=${CG_STEPS:-20 60}
need=()
command -v lmp >/dev/null || need+=(lammps)
[ "$CG_CELLS" = 0 ] || command -v valgrind >/dev/null || need+=(valgrind)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-ljphases.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STRATA=$(pwd)/$BUILD/strata
PY=/usr/bin/python3

# shellcheck source=scripts/bench/lj_case.sh
source scripts/bench/lj_case.sh
make_case() {  # DIR CELLS STEPS: LAMMPS' input in DIR
  mkdir -p "$1"
  lj_lammps_input "$2" "$3" >"$1/in.lj"
}
strata_deck() {  # DIR STEPS: after LAMMPS wrote DIR/initial.data
  lj_strata_deck "$1/initial.data" "$1/initial.h5" "$2" >"$1/lj.toml"
}

echo "$("$STRATA" --version)"
echo "LAMMPS: $(lmp -h | sed -n '2p' | sed 's/^ *//')"

# -- 1. Time per phase. ------------------------------------------------------
T=$WORK/timed
make_case "$T" "$CELLS" "$STEPS"
(cd "$T" && mpirun -q --oversubscribe -np "$RANKS" lmp -in in.lj -log log.lammps -screen none) >/dev/null
strata_deck "$T" "$STEPS"
(cd "$T" && mpirun -q --oversubscribe -np "$RANKS" "$STRATA" run lj.toml --output out >strata.log 2>&1)
echo
echo "== time per phase, $((4 * CELLS * CELLS * CELLS)) atoms, $RANKS rank(s), $STEPS steps (us per 1000 atom-steps; mean over ranks)"
$PY - "$T/log.lammps" "$T/out/summary.json" <<'PY'
import json, re, sys
log, summary = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
m = re.search(r"Loop time of ([0-9.eE+-]+) on \d+ procs for (\d+) steps with (\d+) atoms", log)
l_loop, steps, atoms = float(m.group(1)), int(m.group(2)), int(m.group(3))
l = {}
for name in ("Pair", "Neigh", "Comm", "Output", "Modify", "Other"):
    # "Section |  min time  |  avg time  |  max time  |%varavg| %total"; Other has only the avg.
    row = re.search(rf"^{name}\s*\|(.*)$", log, re.M)
    l[name] = float(row.group(1).split("|")[1]) if row else 0.0
t = summary["time_s"]
s_loop = summary["loop_s"]
s = {"force": t["force"], "neighbour": t["neighbor"], "communication": t["communicate"],
     "output": t["output"], "integrate": t["integrate"]}
s["other"] = max(0.0, s_loop - sum(s.values()))
per = 1e9 / (atoms * steps)  # seconds -> us per 1000 atom-steps
rows = [("Pair", "force"), ("Neigh", "neighbour"), ("Comm", "communication"), ("Modify", "integrate"),
        ("Output", "output"), ("Other", "other")]
print(f"{'LAMMPS':<8} {'us/ka-st':>9} {'%':>6}    {'Strata':<14} {'us/ka-st':>9} {'%':>6}  {'Strata/LAMMPS':>13}")
for ln, sn in rows:
    lv, sv = l[ln] * per, s[sn] * per
    ratio = f"{sv / lv:13.2f}" if lv > 0 else f"{'-':>13}"
    print(f"{ln:<8} {lv:9.3f} {100 * l[ln] / l_loop:6.1f}    {sn:<14} {sv:9.3f} {100 * s[sn] / s_loop:6.1f}  {ratio}")
print(f"{'loop':<8} {l_loop * per:9.3f} {100.0:6.1f}    {'loop':<14} {s_loop * per:9.3f} {100.0:6.1f}  {s_loop / l_loop:13.2f}")
print(f"neighbour-list builds: Strata {summary['neighbor_builds']}, LAMMPS "
      + (re.search(r"Neighbor list builds = (\d+)", log).group(1) if "Neighbor list builds" in log else "?"))
PY

# -- 2. Instructions per atom-step. -------------------------------------------
[ "$CG_CELLS" != 0 ] || exit 0
read -r short long <<<"$CG_STEPS"
for steps in $short $long; do
  C=$WORK/cg.$steps
  make_case "$C" "$CG_CELLS" "$steps"
  (cd "$C" && valgrind --tool=callgrind --callgrind-out-file=lammps.cg lmp -in in.lj -log log.lammps -screen none) >/dev/null 2>&1
  strata_deck "$C" "$steps"
  (cd "$C" && valgrind --tool=callgrind --callgrind-out-file=strata.cg "$STRATA" run lj.toml --output out) \
    >"$C/valgrind.log" 2>&1 || true
  if grep -q "unhandled instruction\|Illegal instruction\|SIGILL" "$C/valgrind.log"; then
    echo "valgrind cannot decode this build's instructions (AVX-512?): count them with a build made with"
    echo "  cmake -S . -B build-v3 -DSTRATA_ARCH=x86-64-v3 && make -C build-v3 -j strata"
    echo "  STRATA_BUILD_DIR=build-v3 scripts/bench/lj_phases.sh"
    exit 0
  fi
done
echo
echo "== instructions per atom-step under callgrind, $((4 * CG_CELLS * CG_CELLS * CG_CELLS)) atoms, 1 rank, steps $long - $short"
$PY - "$WORK" "$short" "$long" "$((4 * CG_CELLS * CG_CELLS * CG_CELLS))" <<'PY'
import re, subprocess, sys
work, short, long_, atoms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def counts(path, kernel):
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                         capture_output=True, text=True).stdout
    total = int(re.search(r"^([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", out, re.M).group(1).replace(",", ""))
    pair = sum(int(m.group(1).replace(",", "")) for m in re.finditer(r"^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$", out, re.M)
               if re.search(kernel, m.group(2)))
    return total, pair
per = atoms * (long_ - short)
for code, kernel in (("LAMMPS", r"PairLJCut::compute"), ("Strata", r"PairPotential|launch<strata::LennardJones|cluster_kernel::")):
    f = code.lower()
    t0, p0 = counts(f"{work}/cg.{short}/{f}.cg", kernel)
    t1, p1 = counts(f"{work}/cg.{long_}/{f}.cg", kernel)
    print(f"{code:<7} whole program {(t1 - t0) / per:8.0f}   pair kernel {(p1 - p0) / per:8.0f}  instructions per atom-step")
PY
