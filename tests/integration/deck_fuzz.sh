#!/usr/bin/env bash
# Deck fuzz test: every deck in tests/fuzz/corpus (invalid by construction,
# written by tests/fuzz/make_corpus.py) is rejected with exit status 2, one
# stderr line starting with "strata: error: ", and no output directory; never
# a crash, a hang or exit 0. Every deck runs on a plain launch, every 10th on
# 2 ranks too. All offending decks are listed, not just the first.
# STRATA_FUZZ_JOBS (default 4) decks run at a time: a rejected deck spends its
# time waiting for MPI to start, not on the CPU.
source "$(dirname "$0")/common.sh"

FUZZ="$STRATA_SOURCE_DIR/tests/fuzz"
JOBS=${STRATA_FUZZ_JOBS:-4}
mapfile -t decks < <(find "$FUZZ/corpus" -maxdepth 1 -name '*.toml' | LC_ALL=C sort)
[ "${#decks[@]}" -ge 200 ] || fail "only ${#decks[@]} decks in $FUZZ/corpus (run tests/fuzz/make_corpus.py)"

# The seeds the corpus mutates must themselves be valid, on 1 and 2 ranks, or
# the corpus proves nothing.
for seed in "$FUZZ"/seeds/*.toml; do
  for np in 1 2; do
    "$STRATA" validate "$seed" --ranks "$np" >"$WORK/seed.out" 2>&1 ||
      { cat "$WORK/seed.out"; fail "seed deck $(basename "$seed") does not validate on $np ranks"; }
  done
done

mkdir -p "$WORK/res"

# check_deck INDEX DECK NP: runs DECK on NP ranks and writes what is wrong with
# the outcome to $WORK/res/INDEX.NP.bad (none when it is right), then marks
# INDEX.NP.done. Always returns 0.
check_deck() {
  local i=$1 deck=$2 np=$3 rc=0
  local name out err problems=()
  name=$(basename "$deck")
  out="$WORK/out.$i.$np" err="$WORK/res/$i.$np.err"
  if [ "$np" -eq 1 ]; then
    timeout -k 5 $((30 * ${STRATA_TIMEOUT_SCALE:-1})) "$STRATA" run "$deck" --output "$out" >/dev/null 2>"$err" || rc=$?
  else
    timeout -k 10 $((60 * ${STRATA_TIMEOUT_SCALE:-1})) "$MPIRUN" -q --oversubscribe -np "$np" "$STRATA" run "$deck" --output "$out" \
      >/dev/null 2>"$err" || rc=$?
  fi
  case $rc in
    2) ;;
    0) problems+=("exit 0: accepted") ;;
    124 | 137) problems+=("exit $rc: hang (killed by timeout)") ;;
    *) if [ "$rc" -gt 128 ]; then problems+=("exit $rc: crash (signal $((rc - 128)))")
       else problems+=("exit $rc, expected 2"); fi ;;
  esac
  local lines
  lines=$(awk 'END { print NR }' "$err")
  [ "$lines" -eq 1 ] || problems+=("$lines stderr lines, expected 1")
  head -c 15 "$err" | grep -q -x -F "strata: error: " || problems+=("stderr does not start with 'strata: error: '")
  [ ! -e "$out" ] || problems+=("output directory created")
  if [ "${#problems[@]}" -gt 0 ]; then
    {
      printf '%s (%d rank%s): ' "$name" "$np" "$([ "$np" -eq 1 ] || echo s)"
      (IFS=';'; printf '%s\n' "${problems[*]}")
      head -c 600 "$err" | sed 's/^/    | /'
      echo
    } >"$WORK/res/$i.$np.bad"
  fi
  : >"$WORK/res/$i.$np.done"
  return 0
}

start=$SECONDS
runs=0
for i in "${!decks[@]}"; do
  nps=(1)
  [ $((i % 10)) -ne 0 ] || nps+=(2)
  for np in "${nps[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    check_deck "$i" "${decks[$i]}" "$np" &
    runs=$((runs + 1))
  done
done
wait

done_runs=$(find "$WORK/res" -name '*.done' | wc -l)
[ "$done_runs" -eq "$runs" ] || fail "only $done_runs of $runs deck runs finished their checks"
bad=$(find "$WORK/res" -name '*.bad' | wc -l)
if [ "$bad" -gt 0 ]; then
  echo "FAIL: $bad of $runs runs of the deck fuzz corpus were not rejected cleanly:" >&2
  find "$WORK/res" -name '*.bad' | LC_ALL=C sort -V | xargs cat >&2
  exit 1
fi
echo "deck fuzz: ${#decks[@]} decks (plain launch) and $((runs - ${#decks[@]})) of them on 2 ranks, all exit 2 with one 'strata: error:' line and no output, in $((SECONDS - start)) s"
