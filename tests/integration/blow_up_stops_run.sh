#!/usr/bin/env bash
# A blown-up system stops the run at the step it blows up, with one line
# naming the step, the rank and a particle, exit 1, status.json "failed",
# the checkpoints already written kept and no final.h5:
# - the issue's case: a 6,912-atom fcc block at density 0.8442 (20.16
#   sigma wide) in a periodic box 19.68 wide, so the last lattice plane
#   overlaps the first one's images (step-0 potential energy 111.6 per
#   atom): the overlapping atoms fly apart in step 1 (measured: 8.0 sigma,
#   farther than the halo's 2.8), stopped at step 1 on 1 and 4 ranks;
# - 6,912 LJ atoms placed uniformly at random at density 0.8 (the closest
#   pairs ~0.05 sigma apart, step-0 PE 6.6e18): stopped at step 1, 1 and 4
#   ranks;
# - the same atoms with every second one moved onto its neighbour (exact
#   duplicates: infinite pair energy, NaN forces): stopped at step 0;
# - an fcc liquid (T 1.44, density 0.8442) with a timestep 7 times too long
#   (0.035), a checkpoint every step: it blows up a few steps later
#   (measured: step 6 on 2 ranks); the checkpoints before stay.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/overlap.toml" <<'TOML'
[system]
density = 0.8
[particles]
count = 6912
placement = "uniform"
temperature = 1.0
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[propagator]
type = "verlet"
[run]
steps = 200
timestep = 0.005
[output]
thermo_every = 10
TOML

# blown_up OUT LOG STEP: the run in OUT stopped as a blow-up at STEP.
blown_up() {
  local out=$1 log=$2 step=$3
  [ "$(grep -c "strata: error:" "$log")" -eq 1 ] || { cat "$log"; fail "expected one error line in $log"; }
  grep -q -E "^strata: error: the system blew up at step $step: .*particle [0-9]+ on rank [0-9]+ " "$log" ||
    { cat "$log"; fail "the error line does not name step $step, a particle and a rank"; }
  [ ! -e "$out/final.h5" ] || fail "final.h5 written by a blown-up run ($out)"
  grep -q '"state": "failed"' "$out/status.json" || { cat "$out/status.json"; fail "status.json not failed"; }
  ! grep -q -i "nan" "$out/thermo.csv" || fail "NaN written to thermo.csv ($out)"
  grep "^strata: error:" "$log"
}

# The lattice that does not fit: Strata's own fcc state, its box edges cut
# to 19.68 (positions reach 19.31, the next plane's images sit at 19.68).
"$STRATA" run "$WORK/overlap.toml" --set 'particles.placement="fcc"' --set system.density=0.8442 --set run.steps=0 \
  --output "$WORK/fcc" >/dev/null 2>&1 || fail "writing the fcc state"
"$PYTHON" - "$WORK/fcc/final.h5" "$WORK/misfit.h5" <<'PY'
import shutil, sys
import h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    f["particles/all/box/edges"][...] = 19.68
PY
write_deck "$WORK/misfit.toml" <<TOML
[system]
box = [19.68, 19.68, 19.68]
[particles]
count = 6912
placement = "file"
file = "$WORK/misfit.h5"
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[propagator]
type = "verlet"
[run]
steps = 200
timestep = 0.005
[output]
thermo_every = 10
TOML
for np in 1 4; do
  rc=0
  strata_np "$np" run "$WORK/misfit.toml" --output "$WORK/misfit.np$np" >"$WORK/misfit.np$np.log" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || { cat "$WORK/misfit.np$np.log"; fail "lattice misfit on $np ranks: exit $rc, expected 1"; }
  blown_up "$WORK/misfit.np$np" "$WORK/misfit.np$np.log" 1
done

for np in 1 4; do
  rc=0
  strata_np "$np" run "$WORK/overlap.toml" --output "$WORK/overlap.np$np" >"$WORK/overlap.np$np.log" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || { cat "$WORK/overlap.np$np.log"; fail "random overlap on $np ranks: exit $rc, expected 1"; }
  blown_up "$WORK/overlap.np$np" "$WORK/overlap.np$np.log" 1
done

# Exact duplicates, from the random placement's state at step 0.
"$STRATA" run "$WORK/overlap.toml" --set run.steps=0 --output "$WORK/start" >/dev/null 2>&1 ||
  fail "writing the start state"
"$PYTHON" - "$WORK/start/final.h5" "$WORK/dup.h5" <<'PY'
import shutil, sys
import h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    x = f["particles/all/position/value"]
    p = x[()]
    p[:, 1::2] = p[:, 0::2]  # particle 2k+1 onto particle 2k (axis 0: the frame)
    x[...] = p
PY
for np in 1 4; do
  rc=0
  strata_np "$np" run "$WORK/overlap.toml" --set 'particles.placement="file"' --set "particles.file=\"$WORK/dup.h5\"" \
    --output "$WORK/dup.np$np" >"$WORK/dup.np$np.log" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || { cat "$WORK/dup.np$np.log"; fail "duplicates on $np ranks: exit $rc, expected 1"; }
  blown_up "$WORK/dup.np$np" "$WORK/dup.np$np.log" 0
done

# A later blow-up keeps the checkpoints written before it.
rc=0
strata_np 2 run "$WORK/overlap.toml" --set 'particles.placement="fcc"' --set particles.count=4000 \
  --set system.density=0.8442 --set particles.temperature=1.44 --set run.timestep=0.035 --set output.checkpoint_every=1 \
  --set output.checkpoint_keep=100 --output "$WORK/late" >"$WORK/late.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$WORK/late.log"; fail "the long timestep: exit $rc, expected 1"; }
step=$(sed -n -E 's/^strata: error: the system blew up at step ([0-9]+): .*/\1/p' "$WORK/late.log")
[ -n "$step" ] && [ "$step" -gt 2 ] || { cat "$WORK/late.log"; fail "expected a blow-up after step 2"; }
blown_up "$WORK/late" "$WORK/late.log" "$step"
n=$(find "$WORK/late/checkpoints" -name 'checkpoint-*.h5' | wc -l)
[ "$n" -eq $((step - 1)) ] || { ls "$WORK/late/checkpoints"; fail "expected $((step - 1)) checkpoints before step $step"; }
echo "blow-ups stopped: lattice misfit and random overlap at step 1, duplicates at step 0, dt 0.035 at step $step with $n checkpoints kept"
