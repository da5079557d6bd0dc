#!/usr/bin/env bash
# Bad input of every kind: exit status 2, one line naming the file, line and
# key with what was expected, and nothing written. Existing results are not
# overwritten without --overwrite.
source "$(dirname "$0")/common.sh"

good="$WORK/good.toml"
write_deck "$good" <<'TOML'
[system]
box = [6.0, 6.0, 6.0]
[particles]
count = 200
[propagator]
type = "brownian"
[run]
steps = 10
timestep = 0.01
[output]
thermo_every = 5
TOML

deck_with() {  # deck_with NAME SED-EXPR: a broken copy of the good deck
  sed "$2" "$good" >"$WORK/$1.toml"
  echo "$WORK/$1.toml"
}

for np in 1 2; do
  run() {
    if [ "$np" -eq 1 ]; then
      "$STRATA" run "$@" --output "$WORK/never"  # a plain, mpirun-less launch works too
    else
      strata_np "$np" run "$@" --output "$WORK/never"
    fi
  }
  d=$(deck_with typo 's/^steps = 10/stpes = 10/')
  expect_input_error "typo.toml:8: unknown key 'run.stpes'; did you mean 'run.steps'\\?" run "$d"
  d=$(deck_with wrongtype 's/^steps = 10/steps = "ten"/')
  expect_input_error "wrongtype.toml:8: .*run.steps.* \\(expected an integer" run "$d"
  d=$(deck_with missing '/^timestep/d')
  expect_input_error "missing.toml.*run.timestep" run "$d"
  d=$(deck_with range 's/^count = 200/count = -5/')
  expect_input_error "range.toml:4: .*particles.count" run "$d"
  d=$(deck_with enum 's/^type = "brownian"/type = "brownain"/')
  expect_input_error "enum.toml:6: .*did you mean \"brownian\"" run "$d"
  d=$(deck_with syntax 's/^count = 200/count = = 200/')
  expect_input_error "syntax.toml:4" run "$d"
  expect_input_error "no-such-deck.toml.*cannot read" run "$WORK/no-such-deck.toml"
  expect_input_error "--set run.steps=abc" run "$good" --set run.steps=abc
  expect_input_error "run.walltime is \"25 hours\"" run "$good" --set 'run.walltime="25 hours"'
  expect_input_error "--set run.stesp=5.*run.steps" run "$good" --set run.stesp=5
  d=$(deck_with nofile 's/^count = 200/placement = "file"\nfile = "missing.h5"/')
  expect_input_error "nofile.toml:5: .*missing.h5" run "$d"
done

# Command-line errors.
expect_input_error "command line" "$STRATA" frobnicate
expect_input_error "command line" "$STRATA" run
expect_input_error "command line" "$STRATA" validate "$good" --ranks notanumber
expect_input_error "cannot decompose over 0 ranks" "$STRATA" validate "$good" --ranks 0

# Slabs thinner than cutoff + skin are refused, by validate and by run,
# naming the most ranks the box allows (box 8.4: 3 slabs of 2.8).
write_deck "$WORK/lj.toml" <<'TOML'
[system]
box = [8.4, 8.4, 8.4]
[particles]
count = 500
placement = "fcc"
[interaction]
type = "lj"
[propagator]
type = "verlet"
[run]
steps = 5
timestep = 0.005
TOML
"$STRATA" validate "$WORK/lj.toml" --ranks 3 >/dev/null || fail "3 slabs of 2.8 are thick enough"
expect_input_error "lj.toml: 4 slabs along x would be 2.1 thick, thinner than cutoff \+ skin = 2.8 \(expected at most 3 ranks" \
  "$STRATA" validate "$WORK/lj.toml" --ranks 4 --set decomposition.grid=slab
expect_input_error "at most 3 ranks" strata_np 4 run "$WORK/lj.toml" --set decomposition.grid=slab --output "$WORK/never"
# The default grid ("auto") cuts two axes instead: 2 x 2 x 1 bricks 4.2 wide.
"$STRATA" validate "$WORK/lj.toml" --ranks 4 | grep -q "grid         2 x 2 x 1" || fail "auto does not cut 4 ranks 2 x 2 x 1"
expect_input_error "box length 5 along y is shorter than twice cutoff \+ skin" \
  "$STRATA" validate "$WORK/lj.toml" --set 'system.box=[8.4, 5.0, 8.4]'

# Help and version succeed.
"$STRATA" --help >"$WORK/help" && grep -q "validate" "$WORK/help" || fail "--help"
"$STRATA" run --help >"$WORK/help" && grep -q -- "--set" "$WORK/help" || fail "run --help"
"$STRATA" validate --help >"$WORK/help" && grep -q -- "--ranks" "$WORK/help" || fail "validate --help"
"$STRATA" --version >"$WORK/help" && grep -q -E "^strata [0-9]+\.[0-9]+" "$WORK/help" || fail "--version"

# validate prints the plan and writes nothing.
"$STRATA" validate "$good" --ranks 3 --set output.dir=\"$WORK/never\" >"$WORK/plan" || fail "validate"
grep -q "rank 2" "$WORK/plan" || { cat "$WORK/plan"; fail "plan lacks slab bounds"; }
grep -q "B/particle" "$WORK/plan" || fail "plan lacks a memory estimate"
[ ! -e "$WORK/never" ] || fail "validate wrote output"

# Existing results are kept unless --overwrite.
strata_np 2 run "$good" --output "$WORK/res" >/dev/null
sum_before=$(cat "$WORK/res/thermo.csv" "$WORK/res/final.h5" | md5sum)
rc=0
strata_np 2 run "$good" --output "$WORK/res" --set run.steps=5 >/dev/null 2>"$WORK/err" || rc=$?
[ "$rc" -eq 2 ] || fail "rerun into a results directory: exit $rc, expected 2"
grep -q "already holds results" "$WORK/err" || { cat "$WORK/err"; fail "no clear message for existing results"; }
[ "$(cat "$WORK/res/thermo.csv" "$WORK/res/final.h5" | md5sum)" = "$sum_before" ] || fail "results were modified"
strata_np 2 run "$good" --output "$WORK/res" --set run.steps=5 --overwrite >/dev/null || fail "--overwrite"
tail -1 "$WORK/res/thermo.csv" | grep -q "^5," || fail "--overwrite did not produce the new run"

# GPU-aware MPI. On a CPU build device memory is host memory: "on" changes
# nothing. Where it is not (a GPU, or a CPU build pretending for this test),
# "on" with an MPI that cannot read device memory (Debian's Open MPI, built
# without CUDA) is refused with one line, and "auto" stages messages through
# host memory and says so.
# The build's backend, as --version names it: a GPU build (Cuda, HIP, SYCL)
# keeps particles in device memory, so there "on" is refused unpretended.
if "$STRATA" --version | grep -Eq "Kokkos [0-9.]+ (Cuda|HIP|SYCL)"; then
  expect_input_error "decomposition.gpu_aware_mpi is \"on\" but this MPI library reports no CUDA support" \
    "$STRATA" run "$good" --set decomposition.gpu_aware_mpi=on --output "$WORK/never"
else
  strata_np 2 run "$good" --set decomposition.gpu_aware_mpi=on --output "$WORK/gpu_on" >/dev/null ||
    fail "gpu_aware_mpi = on on a CPU build"
  strata_np 2 run "$good" --output "$WORK/gpu_off" >/dev/null || fail "gpu_aware_mpi = off"
  cmp -s "$WORK/gpu_off/thermo.csv" "$WORK/gpu_on/thermo.csv" &&
    "$PYTHON" "$PYDIR/compare_states.py" "$WORK/gpu_off/final.h5" "$WORK/gpu_on/final.h5" >/dev/null ||
    fail "gpu_aware_mpi = on changed a CPU run"
fi
expect_input_error "decomposition.gpu_aware_mpi is \"on\" but this MPI library reports no CUDA support" \
  env STRATA_TEST_PRETEND_DEVICE_MEMORY=1 "$STRATA" run "$good" --set decomposition.gpu_aware_mpi=on \
  --output "$WORK/never"
STRATA_TEST_PRETEND_DEVICE_MEMORY=1 strata_np 2 run "$good" --set decomposition.gpu_aware_mpi=auto \
  --output "$WORK/gpu_auto" >"$WORK/gpu_auto.log" 2>&1 || { cat "$WORK/gpu_auto.log"; fail "gpu_aware_mpi = auto"; }
grep -q "MPI messages staged through host memory (this MPI library reports no CUDA support" "$WORK/gpu_auto/log.txt" ||
  { cat "$WORK/gpu_auto/log.txt"; fail "auto does not say it stages"; }
echo "bad input rejected with exit 2 and one clear line; results protected"
