#!/usr/bin/env bash
# Build Strata (installing missing Debian packages first) and run the whole
# test suite: GoogleTest unit tests, MPI tests at 1-4 ranks, end-to-end runs.
# Then build it again with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (in ${STRATA_BUILD_DIR:-build}-sanitize) and run
# the suite there, where any sanitizer report fails its test
# (tests/CMakeLists.txt, tests/sanitizers/). Arguments go to both ctest runs.
#   STRATA_SANITIZER_TESTS=1    (default, CI) all but the tests labelled
#                               slow_under_sanitizers
#   STRATA_SANITIZER_TESTS=all  every test
#   STRATA_SANITIZER_TESTS=0    no sanitizer build (quick local loops)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${STRATA_BUILD_DIR:-build}
JOBS=${STRATA_TEST_JOBS:-2}
SANITIZER_TESTS=${STRATA_SANITIZER_TESTS:-1}
case "$SANITIZER_TESTS" in
  0 | 1 | all) ;;
  *) echo "test: STRATA_SANITIZER_TESTS is \"$SANITIZER_TESTS\" (expected 0, 1 or all)" >&2; exit 2 ;;
esac

STRATA_SANITIZE=OFF STRATA_BUILD_DIR="$BUILD" scripts/setup.sh
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS" "$@")
if [ "$SANITIZER_TESTS" = 0 ]; then
  echo "test: sanitizer build and tests skipped (STRATA_SANITIZER_TESTS=0)"
  exit 0
fi

start=$SECONDS
STRATA_SANITIZE=ON STRATA_BUILD_DIR="$BUILD-sanitize" scripts/setup.sh
echo "test: sanitizer build took $((SECONDS - start)) s"
filter=()
[ "$SANITIZER_TESTS" = all ] || filter=(-LE slow_under_sanitizers)
start=$SECONDS
cd "$BUILD-sanitize"
ctest --output-on-failure -j "$JOBS" "${filter[@]}" "$@"
echo "test: sanitizer tests took $((SECONDS - start)) s"
