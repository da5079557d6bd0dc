# Shared set-up for the end-to-end tests; sourced, not run.
# ctest provides STRATA (the binary), MPIRUN, PYTHON and STRATA_SOURCE_DIR.
set -euo pipefail
: "${STRATA:?set by ctest}" "${MPIRUN:?}" "${PYTHON:?}" "${STRATA_SOURCE_DIR:?}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PYDIR="$STRATA_SOURCE_DIR/tests/python"

# strata_np N ARGS...: run strata on N ranks.
strata_np() {
  local np=$1
  shift
  # -q: Open MPI's own banner on a non-zero exit would drown the one-line error.
  "$MPIRUN" -q --oversubscribe -np "$np" "$STRATA" "$@"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# write_deck FILE: a deck from stdin.
write_deck() { cat >"$1"; }

# write_lj_nve_deck FILE: the NVE LJ liquid of the energy tests (fcc,
# density 0.8442, T 1.44, cutoff 2.5 shifted, dt 0.005, 4000 atoms, 1000
# steps, thermo every 10).
write_lj_nve_deck() {
  write_deck "$1" <<'TOML'
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
shift = true
[propagator]
type = "verlet"
[run]
steps = 1000
timestep = 0.005
seed = 2718
[output]
thermo_every = 10
TOML
}

# expect_input_error PATTERN CMD...: exit 2, exactly one stderr line matching
# PATTERN, nothing on stdout that looks like results, no output directory
# $WORK/never created (point the command's --output there).
expect_input_error() {
  local pattern=$1
  shift
  local out="$WORK/stdout" err="$WORK/stderr" rc=0
  "$@" >"$out" 2>"$err" || rc=$?
  [ "$rc" -eq 2 ] || { cat "$out" "$err"; fail "expected exit 2, got $rc: $*"; }
  [ "$(wc -l <"$err")" -eq 1 ] || { cat "$err"; fail "expected one error line: $*"; }
  grep -q -E "^strata: error: " "$err" || { cat "$err"; fail "error line lacks the 'strata: error:' prefix"; }
  grep -q -E -- "$pattern" "$err" || { cat "$err"; fail "error line does not match '$pattern'"; }
  [ ! -e "$WORK/never" ] || fail "output directory created despite the error: $*"
}
