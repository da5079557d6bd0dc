#!/usr/bin/env bash
# Install what Strata needs from Debian 12's packages (only what is missing),
# then configure and build it in build/ (or $STRATA_BUILD_DIR).
#   scripts/setup.sh            release build
#   STRATA_SANITIZE=ON scripts/setup.sh   ASan+UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."

# paraview and python3-paraview give pvbatch, which the test
# io.paraview_reads_trajectory_xmf runs (skipped without it): 140 MB to
# download, 800 MB installed, about 90 s to install on 2 busy cores.
# slurmctld, slurmd, slurm-client and munge: the test suite starts a private
# single-node SLURM from a scratch directory (tests/integration/
# slurm_scheduler.sh); it needs no system configuration or service of theirs.
PACKAGES=(build-essential cmake libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools libtrilinos-kokkos-dev
  libfmt-dev libcli11-dev libtomlplusplus-dev libgtest-dev python3 python3-h5py python3-numpy
  python3-matplotlib python3-scipy python3-mdanalysis shellcheck paraview python3-paraview
  slurmctld slurmd slurm-client munge)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

SANITIZE=${STRATA_SANITIZE:-OFF}
FLAGS=()
if [ "$SANITIZE" = ON ]; then
  BUILD=${STRATA_BUILD_DIR:-build-sanitize}
  TYPE=RelWithDebInfo
  # -O1: instrumented code compiles in half the time of -O2 and runs nearly
  # as fast; -g1: line tables, all that sanitizer stack traces need.
  FLAGS=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")
else
  BUILD=${STRATA_BUILD_DIR:-build}
  TYPE=Release
fi
JOBS=${STRATA_JOBS:-$(nproc)}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE="$TYPE" -DSTRATA_SANITIZE="$SANITIZE" "${FLAGS[@]}" >"$BUILD.cmake.log" 2>&1 ||
  { cat "$BUILD.cmake.log"; exit 1; }
cmake --build "$BUILD" -j "$JOBS"
echo "setup: built $BUILD/strata"
