#!/usr/bin/env bash
# Build Strata (installing missing Debian packages first) and run the whole
# test suite: GoogleTest unit tests, MPI tests at 1-4 ranks, end-to-end runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd "${STRATA_BUILD_DIR:-build}"
ctest --output-on-failure -j "${STRATA_TEST_JOBS:-2}" "$@"
