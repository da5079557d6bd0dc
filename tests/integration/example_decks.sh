#!/usr/bin/env bash
# The shipped example decks are valid on 1-4 ranks and run (shortened).
source "$(dirname "$0")/common.sh"
for deck in "$STRATA_SOURCE_DIR"/inputs/*.toml; do
  for np in 1 4; do
    "$STRATA" validate "$deck" --ranks "$np" >/dev/null || fail "validate $deck --ranks $np"
  done
  name=$(basename "$deck" .toml)
  strata_np 2 run "$deck" --set run.steps=20 --set output.thermo_every=10 --set particles.count=20000 \
    --output "$WORK/$name" >"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log"; fail "run $deck"; }
  [ -s "$WORK/$name/final.h5" ] || fail "$deck wrote no final.h5"
done
echo "example decks validate and run"
