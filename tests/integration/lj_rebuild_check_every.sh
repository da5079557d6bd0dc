#!/usr/bin/env bash
# interaction.rebuild_check_every: checking the neighbour-list displacement
# only every 5th step gives the same dynamics as checking every step, and
# takes effect. The LJ liquid (2048 atoms, fcc at density 0.8442, T 1.44,
# cutoff 2.5 + skin 0.3, dt 0.005), 300 steps NVE on 2 ranks:
#   - every 5: potential, kinetic and total energy and pressure agree with
#     every 1 within 5e-12 relative at every thermo row (measured 5.3e-13:
#     the lists are built at other steps, so the force sums add in another
#     order; no pair is missed, since no atom moves 0.15 in 4 steps here);
#     checking only every 20th step does miss pairs, and differs by 1.3e-3;
#   - every 5 builds fewer lists than every 1 (measured 32 and 36, from
#     summary.json): the key is not ignored.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/nve.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 2048
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
steps = 300
timestep = 0.005
seed = 2718
[output]
thermo_every = 10
TOML
for every in 1 5; do
  strata_np 2 run "$WORK/nve.toml" --output "$WORK/every$every" --set interaction.rebuild_check_every=$every \
    >"$WORK/every$every.log" 2>&1 || { cat "$WORK/every$every.log"; fail "run checking every $every steps"; }
done
"$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/every1/thermo.csv" "$WORK/every5/thermo.csv" \
  --columns potential_energy,kinetic_energy,total_energy,pressure --rtol 5e-12 ||
  fail "checking every 5 steps changes the dynamics"
builds() { "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["neighbor_builds"])' "$1/summary.json"; }
b1=$(builds "$WORK/every1") b5=$(builds "$WORK/every5")
echo "neighbour-list builds: $b1 checking every step, $b5 checking every 5 steps"
[ "$b5" -lt "$b1" ] || fail "rebuild_check_every = 5 built as many lists as checking every step"

# interaction.rebuild_check = false (LAMMPS' check no): rebuild at every
# check whatever the motion. Every 5 steps: exactly 300/5 = 60 builds (plus
# the set-up one), the dynamics of the checked run within 5e-12 (no atom
# moves half the skin in 5 steps here, so no build is dangerous and none is
# reported); every 40 steps: atoms move farther than half the skin between
# builds, and the summary counts those dangerous builds, as LAMMPS does.
# interaction.rebuild_delay = 12: no two builds closer than 12 steps, so at
# most 300/12 + 1 builds.
summary_line() { sed -n 's/^  neighbour lists *//p' "$1"; }
strata_np 2 run "$WORK/nve.toml" --output "$WORK/blind5" --set interaction.rebuild_check_every=5 \
  --set interaction.rebuild_check=false >"$WORK/blind5.log" 2>&1 || { cat "$WORK/blind5.log"; fail "unchecked every 5"; }
[ "$(builds "$WORK/blind5")" -eq 61 ] || { summary_line "$WORK/blind5.log"; fail "unchecked every 5: not 61 builds"; }
summary_line "$WORK/blind5.log" | grep -q ", 0 dangerous" || { summary_line "$WORK/blind5.log"; fail "no dangerous count"; }
"$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/every1/thermo.csv" "$WORK/blind5/thermo.csv" \
  --columns potential_energy,kinetic_energy,total_energy,pressure --rtol 5e-12 || fail "unchecked every 5 differs"
strata_np 2 run "$WORK/nve.toml" --output "$WORK/blind40" --set interaction.rebuild_check_every=40 \
  --set interaction.rebuild_check=false >"$WORK/blind40.log" 2>&1 || { cat "$WORK/blind40.log"; fail "unchecked every 40"; }
summary_line "$WORK/blind40.log"
summary_line "$WORK/blind40.log" | grep -Eq ", [1-9][0-9]* dangerous" || fail "every 40 unchecked: no dangerous builds counted"
strata_np 2 run "$WORK/nve.toml" --output "$WORK/delay12" --set interaction.rebuild_delay=12 \
  >"$WORK/delay12.log" 2>&1 || { cat "$WORK/delay12.log"; fail "delay 12"; }
d12=$(builds "$WORK/delay12")
echo "neighbour-list builds with delay 12: $d12"
[ "$d12" -le 26 ] || fail "rebuild_delay = 12 built $d12 lists in 300 steps (at most 26)"
