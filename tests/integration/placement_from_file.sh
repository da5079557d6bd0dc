#!/usr/bin/env bash
# A run can start from an H5MD file: a state written by one run and read back
# (on a different number of ranks) with zero steps is bitwise the same state,
# whether read from final.h5 (box as 3 edge lengths) or from the last frame
# of trajectory.h5 (a box matrix per frame). A box that does not match the
# file is refused.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/first.toml" <<'TOML'
[system]
box = [9.0, 7.0, 8.0]
boundary = ["periodic", "periodic", "reflecting"]
[particles]
count = 2000
temperature = 2.0
[propagator]
type = "ballistic"
[run]
steps = 80
timestep = 0.05
seed = 3
[output]
trajectory_every = 40
trajectory_fields = ["velocity", "image"]
TOML
strata_np 2 run "$WORK/first.toml" --output "$WORK/first" >/dev/null || fail "first run"

write_deck "$WORK/second.toml" <<TOML
[system]
box = [9.0, 7.0, 8.0]
boundary = ["periodic", "periodic", "reflecting"]
[particles]
placement = "file"
file = "$WORK/first/final.h5"
[propagator]
type = "ballistic"
[run]
steps = 0
timestep = 0.05
TOML
for np in 1 3; do
  strata_np "$np" run "$WORK/second.toml" --output "$WORK/second.np$np" >/dev/null || fail "read-back on $np ranks"
  "$PYTHON" "$PYDIR/compare_states.py" --ignore-step "$WORK/first/final.h5" "$WORK/second.np$np/final.h5" >/dev/null ||
    fail "state read from file differs from the state written ($np ranks)"
done
strata_np 2 run "$WORK/second.toml" --set "particles.file=\"$WORK/first/trajectory.h5\"" \
  --output "$WORK/from_trajectory" >/dev/null || fail "read-back from trajectory.h5"
"$PYTHON" "$PYDIR/compare_states.py" --ignore-step "$WORK/first/final.h5" "$WORK/from_trajectory/final.h5" >/dev/null ||
  fail "state read from the trajectory's last frame differs from the final state"
rc=0
strata_np 1 run "$WORK/second.toml" --set 'system.box=[9.0, 7.0, 9.0]' --output "$WORK/never" 2>"$WORK/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q "does not match the box" "$WORK/err" || { cat "$WORK/err"; fail "box mismatch not refused"; }
echo "state read back from H5MD bitwise on 1 and 3 ranks, and from a trajectory's last frame"
