#!/usr/bin/env bash
# A full disk and an unwritable output directory: a clear error, exit
# non-zero, no partial checkpoint left behind, and the checkpoints written
# before are untouched (a run resumes from them to the uninterrupted state).
# The disk is a small tmpfs mounted in a private mount namespace, so nothing
# outlives the test. Root with CAP_SYS_ADMIN makes one directly (unshare -m).
# A container's root usually lacks CAP_SYS_ADMIN (Docker's default
# capabilities drop it), and then unshare -m fails with "Operation not
# permitted"; a user namespace (unshare -U -r) needs no capability, and its
# root may mount a tmpfs in its own mount namespace, so that is tried next
# (it also works for a user who is not root, where user namespaces are
# enabled). Only if both fail is the test skipped (ctest shows it as skipped,
# exit 77, never passed), printing both errors.
source "$(dirname "$0")/common.sh"

if [ -z "${STRATA_IN_MOUNT_NS:-}" ]; then
  tried=""
  for ns in "-m" "-U -r -m"; do
    # shellcheck disable=SC2086  # $ns is two or three options
    if err=$(unshare $ns --propagation private mount -t tmpfs -o size=1m tmpfs "$WORK" 2>&1); then
      rm -rf "$WORK"  # the re-run makes its own
      echo "disk_full: private mount namespace by unshare $ns"
      # shellcheck disable=SC2086
      STRATA_IN_MOUNT_NS=1 exec unshare $ns --propagation private bash "$0" "$@"
    fi
    tried+=" [unshare $ns: ${err:-failed}]"
  done
  echo "SKIP: cannot mount a tmpfs in a private mount namespace as uid $(id -u):$tried"
  exit 77
fi

# Brownian, 20000 particles: each checkpoint is 1.76 MB.
write_deck "$WORK/b.toml" <<'TOML'
[system]
box = [30.0, 30.0, 30.0]
[particles]
count = 20000
[propagator]
type = "brownian"
[run]
steps = 600
timestep = 0.001
seed = 3
[output]
thermo_every = 50
checkpoint_every = 100
checkpoint_keep = 100
TOML
strata_np 2 run "$WORK/b.toml" --output "$WORK/straight" >/dev/null || fail "uninterrupted run"

# expect_runtime_error PATTERN CMD...: exit 1, the error line matches.
expect_runtime_error() {
  local pattern=$1 rc=0
  shift
  "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  [ "$rc" -eq 1 ] || { cat "$WORK/stderr"; fail "expected exit 1, got $rc: $*"; }
  [ "$(grep -c '^strata: error:' "$WORK/stderr")" -eq 1 ] || { cat "$WORK/stderr"; fail "expected one error line"; }
  grep -q -E -- "$pattern" "$WORK/stderr" || { cat "$WORK/stderr"; fail "error does not match '$pattern'"; }
  echo "as expected: $(grep '^strata: error:' "$WORK/stderr")"
}

# 1. The disk fills up at the 4th checkpoint (5.3 MB: room for three).
disk="$WORK/disk"
mkdir -p "$disk"
mount -t tmpfs -o size=5300k tmpfs "$disk"
expect_runtime_error "checkpoint at step 400 failed: .* is full \\([0-9.]+ MB free\\); earlier checkpoints are untouched" \
  strata_np 2 run "$WORK/b.toml" --output "$disk/out"
[ "$(cd "$disk/out/checkpoints" && echo *)" = "checkpoint-000000000100.h5 checkpoint-000000000200.h5 checkpoint-000000000300.h5" ] ||
  fail "checkpoints after the failure: $(ls "$disk/out/checkpoints")"
[ ! -e "$disk/out/final.h5" ] || fail "final.h5 written by a failed run"
grep -q '"state": "failed"' "$disk/out/status.json" || fail "status.json does not say failed"
grep -q "checkpoint at step 400 failed" "$disk/out/log.txt" || fail "log.txt lacks the error"
# Moved to a disk with room, the run resumes from those checkpoints to the
# uninterrupted run's final state.
cp -r "$disk/out" "$WORK/moved"
umount "$disk"
strata_np 2 run "$WORK/b.toml" --output "$WORK/moved" --restart latest >/dev/null || fail "resume after the full disk"
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/moved/final.h5" ||
  fail "resumed state differs from the uninterrupted run"

# 2. The disk fills up while writing the trajectory.
mount -t tmpfs -o size=4m tmpfs "$disk"
expect_runtime_error "cannot write trajectory '.*trajectory.h5': .* is full" \
  strata_np 2 run "$WORK/b.toml" --output "$disk/traj" --set output.trajectory_every=10
[ ! -e "$disk/traj/final.h5" ] || fail "final.h5 written by a failed run"
umount "$disk"

# 3. A read-only output directory: refused before anything runs (exit 2),
# for a new run and for a resumed one; the checkpoints stay as they were.
mount -t tmpfs -o size=20m tmpfs "$disk"
strata_np 2 run "$WORK/b.toml" --output "$disk/done" --set run.steps=300 >/dev/null || fail "run on the tmpfs"
sums=$(md5sum "$disk"/done/checkpoints/*)
mount -o remount,ro "$disk"
rc=0
strata_np 2 run "$WORK/b.toml" --output "$disk/done" --restart latest 2>"$WORK/stderr" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q "output directory '.*done' is not writable: Read-only file system" "$WORK/stderr" ||
  { cat "$WORK/stderr"; fail "resume into a read-only directory: exit $rc"; }
rc=0
strata_np 2 run "$WORK/b.toml" --output "$disk/new" 2>"$WORK/stderr" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot create output directory '.*new': Read-only file system" "$WORK/stderr" ||
  { cat "$WORK/stderr"; fail "new run in a read-only file system: exit $rc"; }
[ "$sums" = "$(md5sum "$disk"/done/checkpoints/*)" ] || fail "checkpoints changed"
umount "$disk"

# 4. An output path whose parent is a regular file.
touch "$WORK/plainfile"
rc=0
strata_np 2 run "$WORK/b.toml" --output "$WORK/plainfile/out" 2>"$WORK/stderr" >/dev/null || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$WORK/stderr")" -eq 1 ] && grep -q "cannot create output directory" "$WORK/stderr" ||
  { cat "$WORK/stderr"; fail "output under a regular file: exit $rc"; }
echo "PASS: full disks and unwritable directories fail clearly; earlier checkpoints untouched and resumable"
