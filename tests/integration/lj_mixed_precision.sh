#!/usr/bin/env bash
# interaction.precision = "mixed" (single-precision pair arithmetic, double
# sums and integration) on the LJ liquid of lj_nve.sh (fcc, density 0.8442,
# T 1.44, cutoff 2.5 shifted, dt 0.005, 4000 atoms, 1000 steps):
#  - thermo at step 100 within 1e-5 (relative) of double precision's, on 1
#    and 2 ranks;
#  - the relative NVE energy drift over 1000 steps at most 2x double's;
#  - and it is a different arithmetic: some thermo value at step 100 differs
#    from double's by more than 1e-10 (relative), so a key that changed
#    nothing would fail here.
# Measured (GCC 12, Serial, AVX-512, the cluster-pair kernel computing
# whole cluster pairs in float): worst thermo difference at step 100 5.7e-7
# (pressure); drift 6.87e-6 mixed against 8.18e-6 double (ratio 0.84).
# (Converting only r^2 to float, before it: 8.8e-8; 7.87e-6, ratio 0.96.
# The particle-list kernel: 3.0e-7; 8.88e-6, ratio 1.09.)
source "$(dirname "$0")/common.sh"

write_lj_nve_deck "$WORK/nve.toml"
strata_np 1 run "$WORK/nve.toml" --output "$WORK/double" >"$WORK/double.log" 2>&1 ||
  { cat "$WORK/double.log"; fail "double-precision run"; }
for np in 1 2; do
  strata_np "$np" run "$WORK/nve.toml" --set interaction.precision=mixed --output "$WORK/mixed.np$np" \
    >"$WORK/mixed.np$np.log" 2>&1 || { cat "$WORK/mixed.np$np.log"; fail "mixed-precision run on $np ranks"; }
  grep -q "(mixed precision)" "$WORK/mixed.np$np.log" || fail "the run's first line does not say mixed precision"
  "$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/double/thermo.csv" "$WORK/mixed.np$np/thermo.csv" \
    --columns temperature,kinetic_energy,potential_energy,total_energy,pressure --rtol 1e-5 \
    --from-step 100 --through-step 100 || fail "mixed thermo at step 100 on $np ranks is not within 1e-5 of double"
done
"$PYTHON" "$PYDIR/check_thermo.py" drift-ratio "$WORK/double/thermo.csv" "$WORK/mixed.np1/thermo.csv" \
  --max-ratio 2 || fail "mixed precision's energy drift is more than 2x double's"
"$PYTHON" - "$WORK/double/thermo.csv" "$WORK/mixed.np1/thermo.csv" <<'PY' || fail "mixed precision is double precision"
import csv, sys
a, b = (next(x for x in csv.DictReader(open(p)) if x["step"] == "100") for p in sys.argv[1:])
diff = max(abs(float(a[c]) - float(b[c])) / abs(float(a[c]))
           for c in ("temperature", "potential_energy", "total_energy", "pressure"))
print(f"largest relative difference from double at step 100: {diff:.2e} (must exceed 1e-10)")
sys.exit(0 if diff > 1e-10 else 1)
PY
