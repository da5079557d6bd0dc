#!/usr/bin/env bash
# One rank failing takes the whole job down within seconds, with a non-zero
# exit and a message naming the rank and the cause (on stderr, in log.txt and
# in status.json); no rank is left waiting in a collective, and no final.h5
# appears. Faults come from the test-only STRATA_FAULT_INJECT switch.
source "$(dirname "$0")/common.sh"

# Long enough (100000 steps, many minutes) that only the fault can end it.
write_deck "$WORK/lj.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[propagator]
type = "verlet"
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[run]
steps = 100000
timestep = 0.005
[output]
thermo_every = 10
checkpoint_every = 1000
TOML

# inject NP SPEC PATTERN [MPIRUN-FLAGS]: run with the fault, expect a prompt
# failure whose stderr matches PATTERN. -q (the default) hides Open MPI's
# own report, so that Strata's has to name the rank.
inject() {
  local np=$1 spec=$2 pattern=$3 flags=${4:--q} out="$WORK/out-$1-${2//[=,]/_}" rc=0
  local t0 t1
  t0=$(date +%s.%N)
  STRATA_FAULT_INJECT=$spec timeout $((120 * ${STRATA_TIMEOUT_SCALE:-1})) "$MPIRUN" "$flags" --oversubscribe -np "$np" "$STRATA" run "$WORK/lj.toml" \
    --output "$out" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  t1=$(date +%s.%N)
  local took
  took=$("$PYTHON" -c "print(round($t1 - $t0, 1))")
  echo "np=$np fault '$spec': exit $rc after ${took}s: $(grep -m1 'rank' "$WORK/stderr" || true)"
  [ "$rc" -ne 124 ] || fail "'$spec': the job hung (killed by the 120 s timeout)"
  [ "$rc" -ne 0 ] || fail "'$spec': exit 0 after a fault"
  # Seconds, scaled like every time bound in the tests (3 under the sanitizers):
  # a rank that dies makes mpirun send the others SIGTERM while they wait in a
  # collective; they leave after the stop grace (5 s here), not at a step
  # boundary they would never reach.
  local bound=$((20 * ${STRATA_TIMEOUT_SCALE:-1}))
  "$PYTHON" -c "import sys; sys.exit(0 if $took < $bound else 1)" || fail "'$spec': took ${took}s to end the job (bound ${bound}s)"
  grep -q -E -- "$pattern" "$WORK/stderr" || { cat "$WORK/stderr"; fail "'$spec': stderr does not match '$pattern'"; }
  [ ! -e "$out/final.h5" ] || fail "'$spec': final.h5 written by a failed run"
  grep -q '^step        0/100000' "$out/log.txt" || fail "'$spec': log.txt lacks rank 0's output"
  LAST_OUT=$out
}

# An exception on rank 1 of 3 (ranks 0 and 2 are inside the step loop's
# collectives when it happens).
inject 3 "rank=1,step=25,kind=throw" "^strata: error: rank 1: injected fault at step 25$"
grep -q "strata: error: rank 1: injected fault at step 25" "$LAST_OUT/log.txt" || fail "log.txt lacks rank 1's error"
"$PYTHON" - "$LAST_OUT/status.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "failed", s
assert s["message"] == "rank 1: injected fault at step 25", s
assert s["step"] == 20 and len(s["rank_particles"]) == 3 and sum(s["rank_particles"]) == 4000, s
PY

# A file rank 2 alone cannot open.
inject 3 "rank=2,step=13,kind=open" "^strata: error: rank 2: cannot open strata-fault-injection/no-such-file.h5"

# Rank 0 itself failing, on 2 ranks.
inject 2 "rank=0,step=5,kind=throw" "^strata: error: rank 0: injected fault at step 5$"

# A crash (segmentation fault) on rank 1: named by Strata's crash reporter.
inject 2 "rank=1,step=7,kind=segv" "rank 1: fatal signal SIGSEGV"

# A rank that vanishes (SIGKILL, as a lost node) cannot say anything: Open
# MPI ends the job and names it.
inject 2 "rank=1,step=7,kind=kill" "process rank 1 .* signal 9" --oversubscribe

# A rank that stops answering while the others wait for it in a collective,
# and SIGTERM to every rank (what mpirun sends the survivors when one dies):
# they cannot reach a step boundary, so each leaves after its stop grace
# (5 s here) instead of waiting forever.
"$MPIRUN" -q --oversubscribe -np 2 env STRATA_FAULT_INJECT="rank=1,step=12,kind=hang" "$STRATA" run "$WORK/lj.toml" \
  --output "$WORK/hang" >"$WORK/hang.out" 2>"$WORK/hang.err" &
pid=$!
tries=0
until grep -q '^10,' "$WORK/hang/thermo.csv" 2>/dev/null; do
  sleep 0.2
  tries=$((tries + 1))
  [ "$tries" -lt $((600 * ${STRATA_TIMEOUT_SCALE:-1})) ] || { kill -KILL "$pid"; fail "hang: the run made no progress"; }
done
sleep 1  # rank 1 hangs at step 12; rank 0 waits for it in the step's collectives
t0=$(date +%s.%N)
pkill -TERM -P "$pid"
rc=0
timeout $((60 * ${STRATA_TIMEOUT_SCALE:-1})) tail --pid="$pid" -f /dev/null || fail "hang: the job did not end after SIGTERM"
wait "$pid" || rc=$?
took=$("$PYTHON" -c "print(round($(date +%s.%N) - $t0, 1))")
echo "a hung rank and SIGTERM: exit $rc after ${took}s"
[ "$rc" -ne 0 ] || fail "hang: exit 0"
grep -q "did not reach a step boundary in time" "$WORK/hang.err" || { cat "$WORK/hang.err"; fail "hang: no message"; }
"$PYTHON" -c "import sys; sys.exit(0 if $took < $((20 * ${STRATA_TIMEOUT_SCALE:-1})) else 1)" ||
  fail "hang: took ${took}s to end"

# A malformed switch is refused, not ignored.
rc=0
STRATA_FAULT_INJECT="rank=1,kind=explode" "$STRATA" run "$WORK/lj.toml" --output "$WORK/malformed" 2>"$WORK/stderr" >/dev/null || rc=$?
[ "$rc" -ne 0 ] && grep -q "STRATA_FAULT_INJECT" "$WORK/stderr" || fail "malformed STRATA_FAULT_INJECT accepted (exit $rc)"
echo "PASS: every injected one-rank fault ended the job promptly, naming the rank and the cause"
