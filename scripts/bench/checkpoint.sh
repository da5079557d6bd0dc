#!/usr/bin/env bash
# Benchmark: write and read back one checkpoint of 1e7 uniform random
# particles on 2 ranks (scripts/bench/checkpoint_bench.cpp), beside the raw
# sequential bandwidth of the same disk measured in the same invocation:
# dd of the same number of random bytes (from /dev/shm, so only the disk is
# timed; random, so no layer can skip zeros) with conv=fsync, then dd back.
#
# Both writes include making the data durable (checkpoint: fsync of file and
# directory; dd: conv=fsync). Before both reads the page cache is emptied:
# echo 3 > /proc/sys/vm/drop_caches where permitted (root), else
# posix_fadvise(DONTNEED) of the file (dd iflag=nocache); the output says
# which. The checkpoint read is the whole read_checkpoint_particles: open,
# checks, checksums of every byte, and copying into the particle views.
#
# Prints GB/s (1e9 bytes/s) of each, the ratios checkpoint/raw, and the
# checkpoint's bytes per particle. Figures, not assertions: on a shared
# machine compare the ratios, not the absolute rates.
#
#   scripts/bench/checkpoint.sh              1e7 particles, 2 ranks
#   N=1000000 NP=1 scripts/bench/checkpoint.sh
#   BENCH_DIR=/scratch scripts/bench/checkpoint.sh   the disk to measure (default $TMPDIR or /tmp)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
N=${N:-10000000}
NP=${NP:-2}
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/strata-checkpoint-bench.XXXXXX")
SRC=/dev/shm/strata-checkpoint-bench.$$
trap 'rm -rf "$WORK" "$SRC"' EXIT

now() { date +%s.%N; }
calc() { /usr/bin/python3 -c "print($1)"; }
evict() {  # evict file $1 from the page cache; prints how
  sync
  if { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    echo drop_caches
  else
    dd if="$1" iflag=nocache count=0 status=none
    echo fadvise_dontneed
  fi
}

line=$(mpirun -q --oversubscribe -np "$NP" build/checkpoint_bench "$N" "$WORK/run")
field() { sed "s/.*$1=\([^ ]*\).*/\1/" <<<"$line"; }
bytes=$(field checkpoint_bytes)

head -c "$bytes" /dev/urandom >"$SRC"
t0=$(now)
dd if="$SRC" of="$WORK/raw" bs=16M conv=fsync status=none
t1=$(now)
rm -f "$SRC"
raw_cache=$(evict "$WORK/raw")
t2=$(now)
dd if="$WORK/raw" of=/dev/null bs=16M status=none
t3=$(now)
raw_write=$(calc "$bytes / ($t1 - $t0) / 1e9")
raw_read=$(calc "$bytes / ($t3 - $t2) / 1e9")
ck_write=$(field write_GBps)
ck_read=$(field read_GBps)

echo "disk: $(df --output=source,fstype,target "$WORK" | tail -1)   ranks: $NP   particles: $N   bytes: $bytes"
echo "page cache before reads: checkpoint $(field cache), raw $raw_cache"
printf '%-8s %16s %12s %8s\n' "" "checkpoint GB/s" "raw dd GB/s" ratio
printf '%-8s %16.3f %12.3f %8.2f\n' write "$ck_write" "$raw_write" "$(calc "$ck_write / $raw_write")"
printf '%-8s %16.3f %12.3f %8.2f\n' read "$ck_read" "$raw_read" "$(calc "$ck_read / $raw_read")"
echo "checkpoint: $(field bytes_per_particle) bytes/particle (84 B of particle data + metadata); write $(field write_s) s, read $(field read_s) s"
