#!/usr/bin/env bash
# Watching a run: the progress line (percentage, steps/s, atom-steps/s, ETA)
# at thermo steps; a live bar only on a terminal; status.json always a whole,
# valid file while the run rewrites it, ending "finished" with per-rank
# counts and the last checkpoint; log.txt holding exactly what rank 0
# printed, plus warnings from other ranks prefixed by the rank.
source "$(dirname "$0")/common.sh"

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
steps = 600
timestep = 0.005
[output]
thermo_every = 5
checkpoint_every = 200
TOML

# Poll status.json while the run rewrites it (every 5 steps): every read
# must be a complete JSON document.
strata_np 2 run "$WORK/lj.toml" --output "$WORK/run" >"$WORK/stdout" 2>"$WORK/stderr" &
pid=$!
"$PYTHON" - "$WORK/run/status.json" "$pid" <<'PY'
import json, os, sys, time
path, pid = sys.argv[1], int(sys.argv[2])
reads, running = 0, []
def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
while alive():
    try:
        text = open(path).read()
    except FileNotFoundError:
        time.sleep(0.005)
        continue
    s = json.loads(text)  # raises on a torn file
    reads += 1
    if s["state"] == "running" and s["step"] > 0:
        running.append(s)
    time.sleep(0.002)
assert reads > 20, f"only {reads} reads of status.json while the run went on"
mid = [s for s in running if 0 < s["percent"] < 100]
assert mid, "never saw the run as running, part way"
s = mid[-1]
assert s["steps_per_s"] > 0 and s["eta_s"] is not None and s["eta_s"] >= 0, s
assert s["step"] % 5 == 0 and len(s["rank_particles"]) == 2 and sum(s["rank_particles"]) == 4000, s
print(f"status.json: {reads} reads while running, all valid; last seen at step {s['step']}, "
      f"{s['steps_per_s']:.3g} steps/s, ETA {s['eta_s']:.3g} s")
PY
wait "$pid" || { cat "$WORK/stderr"; fail "the run failed"; }

"$PYTHON" - "$WORK/run/status.json" "$WORK/run" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "finished" and s["step"] == s["last_step"] == 600 and s["percent"] == 100, s
assert s["ranks"] == 2 and sum(s["rank_particles"]) == 4000 and s["eta_s"] == 0, s
cp = s["last_checkpoint"]
assert cp["step"] == 600 and os.path.basename(cp["path"]) == "checkpoint-000000000600.h5", cp
assert os.path.exists(cp["path"]), cp
PY

# The progress line at every thermo step.
lines=$(grep -c -E '^step +[0-9]+/600 +[0-9.]+%  +[0-9.e+]+ steps/s +[0-9.e+]+ atom-steps/s  ETA +([0-9]+:[0-9]{2}:[0-9]{2}|-)  \|  T ' "$WORK/stdout")
[ "$lines" -eq 121 ] || { head "$WORK/stdout"; fail "expected 121 progress lines, found $lines"; }
grep -q $'\r' "$WORK/stdout" && fail "progress bar drawn into a file (stdout is not a terminal)"
# log.txt: exactly rank 0's output, and the warnings it printed on stderr
# (none on the Serial build; Kokkos' start-up notes on an OpenMP build).
grep -v '^strata: warning: ' "$WORK/run/log.txt" | cmp - "$WORK/stdout" || fail "log.txt differs from what rank 0 printed"
warnings() { grep '^strata: warning: ' "$1" || true; }
warnings "$WORK/run/log.txt" | cmp - <(warnings "$WORK/stderr") ||
  fail "log.txt lacks the warnings printed on stderr, or has others"

# On a terminal (script(1) gives the run a pseudo-terminal): a live bar.
if command -v script >/dev/null; then
  script -qec "$MPIRUN -q --oversubscribe -np 2 $STRATA run $WORK/lj.toml --output $WORK/tty" /dev/null >"$WORK/tty.out"
  grep -q -E $'\r\033\\[K\\[#*\\.*\\] +[0-9.]+%  step [0-9]+/600' "$WORK/tty.out" || fail "no progress bar on a terminal"
  grep -q $'\r' "$WORK/tty/log.txt" && fail "progress bar written to log.txt"
  echo "progress bar: drawn on a terminal, not in log.txt"
fi

# A warning from a rank other than 0 (a slab without particles: 1 particle,
# 3 ranks) reaches stderr and log.txt, prefixed by its rank.
write_deck "$WORK/one.toml" <<'TOML'
[system]
box = [9.0, 9.0, 9.0]
[particles]
count = 1
[propagator]
type = "brownian"
[run]
steps = 10
timestep = 0.01
[output]
thermo_every = 5
TOML
strata_np 3 run "$WORK/one.toml" --output "$WORK/one" >/dev/null 2>"$WORK/stderr" || fail "one-particle run"
grep -q -E '^strata: warning: rank [12]: owns no particles' "$WORK/stderr" || { cat "$WORK/stderr"; fail "no warning"; }
grep -q -E '^strata: warning: rank [12]: owns no particles: its brick \[[0-9.]+, [0-9.]+\) x \[0, [0-9.]+\) x \[0, [0-9.]+\) is empty' \
  "$WORK/one/log.txt" || { cat "$WORK/one/log.txt"; fail "log.txt lacks the other ranks' warnings"; }
echo "PASS: progress line, status.json, log.txt and rank-prefixed warnings"
