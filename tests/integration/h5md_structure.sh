#!/usr/bin/env bash
# The final state is a valid H5MD 1.1 file with every particle, written by 1
# and by 3 ranks.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/h5.toml" <<'TOML'
[system]
box = [8.0, 8.0, 8.0]
boundary = ["periodic", "reflecting", "periodic"]
[particles]
count = 1500
temperature = 1.0
[propagator]
type = "brownian"
[run]
steps = 50
timestep = 0.01
TOML

for np in 1 3; do
  strata_np "$np" run "$WORK/h5.toml" --output "$WORK/h5.np$np" >/dev/null
  "$PYTHON" "$PYDIR/check_h5md.py" "$WORK/h5.np$np/final.h5" --count 1500 || fail "H5MD check on $np ranks"
  [ ! -e "$WORK/h5.np$np/final.h5.tmp" ] || fail "temporary file left behind"
done
# The checker must reject a damaged file.
cp "$WORK/h5.np1/final.h5" "$WORK/broken.h5"
"$PYTHON" - "$WORK/broken.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["particles/all/id"]
PY
if "$PYTHON" "$PYDIR/check_h5md.py" "$WORK/broken.h5" --count 1500 >/dev/null 2>&1; then
  fail "check_h5md.py accepted a file without ids"
fi
echo "H5MD final states valid"
