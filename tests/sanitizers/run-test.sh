#!/usr/bin/env bash
# Test launcher of the sanitizer build (STRATA_SANITIZE=ON): runs one test
# command with the AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer reports of every instrumented process it starts (strata under
# mpirun, mpi_tests, make_trajectory, ...) sent to files in a fresh directory,
# and fails the test if any report appeared there, whatever the exit statuses
# the test itself checks: a report in a rank that a test expects to fail, kills
# or whose status it ignores still fails the test. The reports are printed.
#   run-test.sh LOG_ROOT COMMAND [ARGS...]
# The sanitizer options themselves come from the test environment
# (tests/CMakeLists.txt); this only adds log_path.
set -uo pipefail
root=$1
shift
mkdir -p "$root"
logs=$(mktemp -d "$root/XXXXXX")
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$logs/report"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$logs/report"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}:log_path=$logs/report"

rc=0
"$@" || rc=$?

shopt -s nullglob
reports=("$logs"/report.*)
if [ ${#reports[@]} -gt 0 ]; then
  for f in "${reports[@]}"; do
    echo "==== sanitizer output of pid ${f##*.} ($f) ===="
    cat "$f"
  done >&2
  if grep -q -E 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|SUMMARY: ' "${reports[@]}"; then
    echo "FAIL: sanitizer report(s) above; kept in $logs" >&2
    [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || rc=1  # 77: a test's "skipped"
    exit "$rc"
  fi
fi
rm -rf "$logs"
exit "$rc"
