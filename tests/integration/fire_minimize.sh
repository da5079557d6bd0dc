#!/usr/bin/env bash
# FIRE minimization ([minimize], src/Minimize.cpp). `fire_minimize.sh
# crystal` (short):
# - bad [minimize] input is one line naming the key, exit 2, nothing written;
# - a slightly disordered fcc crystal (864 LJ atoms, density 0.8442, 100 NVE
#   steps from T 0.1) minimizes back to the perfect lattice's energy, the
#   step-0 energy of the fcc placement (measured: 1.8e-13 relative, 259
#   steps to ftol 1e-8), on 1 and 3 ranks.
# `fire_minimize.sh random` (about a minute):
# - 4000 LJ atoms placed uniformly at random at density 0.8 (step-0 energy
#   2.1e13 per particle) minimize to etol 1e-6 on 1, 2, 3 and 4 ranks
#   (measured: 3282 steps, -6.4162 per particle), and the NVE run that
#   follows (starting at T 1 exactly, dt 0.005, 1000 steps) conserves energy
#   within the LJ bounds of lj_nve.sh: no row departs from E(0) by more than
#   6.5e-4 (measured 4.1e-4), and the relative drift (least-squares slope x
#   run length) is below 2.5e-5, measured from step 100 (1.3e-5): in the
#   first ~50 steps the kinetic energy given to the quenched glass flows
#   into the potential and the Verlet energy settles 2e-4 away from E(0),
#   which a slope from step 0 would count as drift (3.7e-5).
source "$(dirname "$0")/common.sh"
case=${1:?crystal or random}

write_deck "$WORK/random.toml" <<'TOML'
[system]
density = 0.8
[particles]
count = 4000
placement = "uniform"
temperature = 1.0
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[minimize]
etol = 1e-6
ftol = 1e-6
max_steps = 10000
[propagator]
type = "verlet"
[run]
steps = 1000
timestep = 0.005
seed = 7
[output]
thermo_every = 10
TOML

if [ "$case" = crystal ]; then
# Bad input.
run1() { "$STRATA" run "$@" --output "$WORK/never"; }
sed '/^etol/d' "$WORK/random.toml" >"$WORK/no_etol.toml"
expect_input_error "no_etol.toml:12: missing required key 'minimize.etol' \\(expected a float >= 0" run1 "$WORK/no_etol.toml"
expect_input_error "key 'minimize.ftol' is -1.0 \\(expected a float >= 0" run1 "$WORK/random.toml" --set minimize.ftol=-1.0
expect_input_error "random.toml:12: key 'minimize.etol' is set, but there are no forces to minimize" \
  run1 "$WORK/random.toml" --set 'interaction.type="none"' --set 'propagator.type="brownian"'

# Back to the lattice.
write_deck "$WORK/lattice.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 864
placement = "fcc"
temperature = 0.1
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[propagator]
type = "verlet"
[run]
steps = 100
timestep = 0.005
seed = 3
[output]
thermo_every = 100
TOML
"$STRATA" run "$WORK/lattice.toml" --output "$WORK/shaken" >"$WORK/shaken.log" 2>&1 || { cat "$WORK/shaken.log"; fail "NVE of the crystal"; }
for np in 1 3; do
  strata_np "$np" run "$WORK/lattice.toml" --set 'particles.placement="file"' --set "particles.file=\"$WORK/shaken/final.h5\"" \
    --set minimize.etol=0.0 --set minimize.ftol=1e-8 --set minimize.max_steps=5000 --set run.steps=0 \
    --output "$WORK/relaxed.np$np" >"$WORK/relaxed.np$np.log" 2>&1 || { cat "$WORK/relaxed.np$np.log"; fail "minimizing the crystal on $np ranks"; }
  grep -q "^strata: minimized in [0-9]* steps (force tolerance)" "$WORK/relaxed.np$np.log" ||
    { cat "$WORK/relaxed.np$np.log"; fail "the crystal did not reach ftol on $np ranks"; }
  echo "np $np: $(grep "^strata: minimized in" "$WORK/relaxed.np$np.log")"
  "$PYTHON" - "$WORK/shaken/thermo.csv" "$WORK/relaxed.np$np/thermo.csv" <<'PY' || fail "the crystal's minimum is not the lattice energy on $np ranks"
import csv, sys
lattice = float(next(csv.DictReader(open(sys.argv[1])))["potential_energy"])  # step 0: the perfect fcc
minimum = float(next(csv.DictReader(open(sys.argv[2])))["potential_energy"])
rel = abs(minimum - lattice) / abs(lattice)
print(f"crystal: minimum {minimum:.15g}, lattice {lattice:.15g}, relative difference {rel:.2e} (bound 1e-10)")
sys.exit(0 if rel < 1e-10 else 1)
PY
done
exit 0
fi

# From a random placement, then NVE.
for np in 1 2 3 4; do
  out="$WORK/random.np$np"
  strata_np "$np" run "$WORK/random.toml" --output "$out" >"$out.log" 2>&1 || { cat "$out.log"; fail "random placement on $np ranks"; }
  line=$(grep "^strata: minimized in" "$out.log") || { cat "$out.log"; fail "no minimization line on $np ranks"; }
  echo "np $np: $line"
  grep -q "(energy tolerance)" <<<"$line" || fail "the random placement did not reach etol on $np ranks"
  "$PYTHON" - "$out/thermo.csv" "$line" <<'PY' || fail "minimum or NVE after it wrong on $np ranks"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
reported = float(re.search(r"energy per particle (\S+),", sys.argv[2]).group(1))
pe0 = float(rows[0]["potential_energy"])
ok = abs(pe0 - reported) <= 1e-9 * abs(reported) and pe0 < -6.3  # a quenched LJ glass at density 0.8
t0 = float(rows[0]["temperature"])  # the dynamics start at particles.temperature, FIRE's velocities gone
ok = ok and abs(t0 - 1.0) < 1e-9
t = [float(r["time"]) for r in rows]
e = [float(r["total_energy"]) for r in rows]
departure = max(abs(x - e[0]) for x in e) / abs(e[0])
k = next(i for i, r in enumerate(rows) if int(r["step"]) >= 100)
tt, ee = t[k:], e[k:]
tm, em = sum(tt) / len(tt), sum(ee) / len(ee)
slope = sum((a - tm) * (b - em) for a, b in zip(tt, ee)) / sum((a - tm) ** 2 for a in tt)
drift = abs(slope) * (tt[-1] - tt[0]) / abs(em)
ok = ok and departure <= 6.5e-4 and drift <= 2.5e-5
print(f"  step-0 energy {pe0:.10g} per particle (minimization said {reported:.10g}), T {t0:.10g}; NVE: departure "
      f"{departure:.2e} (bound 6.5e-4), drift from step 100 {drift:.2e} (bound 2.5e-5) {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
done
