#!/usr/bin/env bash
# Exact continuation from checkpoints. For each kind of run, 200 steps
# straight and 100 steps + "--restart latest" to 200 give bitwise the same
# final state and byte-identical thermo.csv on the same number of ranks
# (both runs checkpoint every 100 steps). Brownian runs also continue
# bitwise on another number of ranks; LJ runs continue there within 1e-9
# relative in every thermo column (summation order differs). Bad
# checkpoints are refused with exit 2.
source "$(dirname "$0")/common.sh"

deck_for() {  # deck_for KIND
  case $1 in
    brownian) cat <<'TOML'
[system]
box = [14.0, 10.0, 10.0]
boundary = ["periodic", "periodic", "reflecting"]
[particles]
count = 3000
temperature = 1.0
[propagator]
type = "brownian"
[run]
steps = 200
timestep = 0.01
seed = 42
TOML
    ;;
    verlet|langevin) cat <<TOML
[system]
density = 0.8442
[particles]
count = 2048
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
shift = true
[propagator]
type = "$1"
temperature = 1.0
[run]
steps = 200
timestep = 0.005
seed = 42
TOML
    ;;
  esac
  cat <<'TOML'
[output]
thermo_every = 25
checkpoint_every = 100
trajectory_every = 40
trajectory_fields = ["image", "velocity", "id"]
TOML
}

for kind in brownian verlet langevin; do
  deck_for "$kind" >"$WORK/$kind.toml"
  strata_np 2 run "$WORK/$kind.toml" --output "$WORK/$kind.straight" >/dev/null || fail "$kind straight run"
  strata_np 2 run "$WORK/$kind.toml" --set run.steps=100 --output "$WORK/$kind.resumed" >/dev/null ||
    fail "$kind first half"
  [ -s "$WORK/$kind.resumed/checkpoints/checkpoint-000000000100.h5" ] || fail "$kind: no checkpoint at step 100"
  strata_np 2 run "$WORK/$kind.toml" --restart latest --output "$WORK/$kind.resumed" >"$WORK/$kind.log" 2>&1 ||
    { cat "$WORK/$kind.log"; fail "$kind restart"; }
  grep -q "continuing from .*checkpoint-000000000100.h5" "$WORK/$kind.log" || fail "$kind did not say where it resumed"
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$kind.straight/final.h5" "$WORK/$kind.resumed/final.h5" ||
    fail "$kind: resumed final state differs"
  cmp "$WORK/$kind.straight/thermo.csv" "$WORK/$kind.resumed/thermo.csv" || fail "$kind: resumed thermo.csv differs"
  # The first half wrote frames 0-120 (120 past the checkpoint is dropped on
  # resume); the resumed trajectory equals the uninterrupted one.
  "$PYTHON" - "$WORK/$kind.straight/trajectory.h5" "$WORK/$kind.resumed/trajectory.h5" <<'PY' ||
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visit(lambda n: names.append(n) if isinstance(a[n], h5py.Dataset) else None)
bad = [n for n in names if n not in b or not np.array_equal(a[n][()], b[n][()])]
steps = a["particles/all/position/step"][()].tolist()
print(f"{len(names)} datasets compared, frames at steps {steps}; differing: {bad}")
sys.exit(1 if bad or steps != [0, 40, 80, 120, 160, 200] else 0)
PY
    fail "$kind: resumed trajectory differs"
  cmp "$WORK/$kind.straight/trajectory.xmf" "$WORK/$kind.resumed/trajectory.xmf" || fail "$kind: XDMF differs"

  # Another number of ranks, from the same step-100 checkpoint.
  mkdir -p "$WORK/$kind.np3"
  cp -r "$WORK/$kind.straight/checkpoints" "$WORK/$kind.np3/"
  rm "$WORK/$kind.np3/checkpoints/checkpoint-000000000200.h5"
  cp "$WORK/$kind.straight/thermo.csv" "$WORK/$kind.np3/"
  strata_np 3 run "$WORK/$kind.toml" --restart latest --output "$WORK/$kind.np3" >/dev/null || fail "$kind on 3 ranks"
  if [ "$kind" = brownian ]; then
    "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$kind.straight/final.h5" "$WORK/$kind.np3/final.h5" ||
      fail "brownian restart on 3 ranks differs"
  else
    "$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/$kind.straight/thermo.csv" "$WORK/$kind.np3/thermo.csv" \
      --columns temperature,kinetic_energy,potential_energy,total_energy,pressure --rtol 1e-9 ||
      fail "$kind restart on 3 ranks beyond 1e-9"
  fi
done

# Bad checkpoints: exit 2 and one line, nothing run.
ck="$WORK/brownian.straight/checkpoints/checkpoint-000000000200.h5"
head -c 100000 "$ck" >"$WORK/truncated.h5"
echo "not a checkpoint" >"$WORK/text.h5"
cp "$STRATA_SOURCE_DIR/tests/data/lammps_lj/initial.h5" "$WORK/plain_h5md.h5"
for bad in "$WORK/missing.h5" "$WORK/truncated.h5" "$WORK/text.h5" "$WORK/plain_h5md.h5"; do
  rc=0
  strata_np 2 run "$WORK/brownian.toml" --restart "$bad" --output "$WORK/bad" >/dev/null 2>"$WORK/err" || rc=$?
  [ "$rc" -eq 2 ] || { cat "$WORK/err"; fail "restart from $(basename "$bad"): exit $rc, expected 2"; }
  [ "$(grep -c '^strata: error:' "$WORK/err")" -eq 1 ] || { cat "$WORK/err"; fail "no one-line error for $bad"; }
  [ ! -e "$WORK/bad" ] || fail "output written for a bad checkpoint"
done
# One flipped byte in the particle data: found by the checksum as the ranks
# read their rows, said once, exit 2 after a clean shutdown (no MPI_ABORT).
cp "$ck" "$WORK/flipped.h5"
"$PYTHON" - "$WORK/flipped.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    d = f["particles/all/position/value"]
    # Chunked: the first chunk's bytes in the file, 1000 bytes in.
    at = (d.id.get_offset() if d.chunks is None else d.id.get_chunk_info(0).byte_offset) + 1000
with open(sys.argv[1], "r+b") as f:
    f.seek(at)
    b = f.read(1)
    f.seek(at)
    f.write(bytes([b[0] ^ 0x10]))
PY
rc=0
strata_np 2 run "$WORK/brownian.toml" --restart "$WORK/flipped.h5" --output "$WORK/flipped" >"$WORK/out" 2>"$WORK/err" ||
  rc=$?
[ "$rc" -eq 2 ] || { cat "$WORK/err"; fail "flipped byte: exit $rc, expected 2"; }
[ "$(grep -c '^strata: error:' "$WORK/err")" -eq 1 ] && grep -q "checksum mismatch in /particles/all/position" "$WORK/err" ||
  { cat "$WORK/err"; fail "flipped byte: not one checksum error line"; }
! grep -q "MPI_ABORT" "$WORK/out" "$WORK/err" || { cat "$WORK/err"; fail "flipped byte: the job was aborted"; }
rc=0
strata_np 1 run "$WORK/brownian.toml" --restart latest --output "$WORK/empty" 2>"$WORK/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q "no complete checkpoint" "$WORK/err" || fail "--restart latest without checkpoints"
rc=0
strata_np 1 run "$WORK/brownian.toml" --restart latest --set run.seed=7 --output "$WORK/brownian.resumed" \
  2>"$WORK/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q "run.seed is 7 but .* was written with 42" "$WORK/err" ||
  { cat "$WORK/err"; fail "seed mismatch not refused"; }
echo "restarts continue exactly; bad checkpoints refused"
