#!/usr/bin/env bash
# A run across two hosts: two network namespaces joined by a veth pair, each
# with its own address, hostname and /dev/shm, stand in for two nodes. mpirun
# starts in the first, reads a hostfile of the two addresses, and starts the
# second host's orted through an rsh agent that enters the other namespace
# (as ssh would log in to the other node). 2 ranks run on each host; the
# ranks talk over TCP on the veth between the hosts and over shared memory
# within one. The final state (and thermo.csv) must equal the 4-rank run on
# one host bitwise, and the veth must have carried the cross-host share of
# the neighbour exchanges, so the ranks really did talk across it.
# Skipped (exit 77) only where the namespaces cannot be made (needs root).
source "$(dirname "$0")/common.sh"

# Per-run names: other engineers' test runs may make theirs at the same time.
# The addresses live only inside the two namespaces, so they clash with
# nothing on the machine.
NS_A=strata-$$-a
NS_B=strata-$$-b
ADDR_A=10.77.0.1
ADDR_B=10.77.0.2
SUBNET=10.77.0.0/24
cleanup() {
  local ns pid
  for ns in "$NS_A" "$NS_B"; do
    # A failed launch can leave an orted behind in a namespace: ours, by id.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

skip() {
  echo "SKIP: $* (needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN)"
  exit 77
}
why=$(ip netns add "$NS_A" 2>&1 && ip netns add "$NS_B" 2>&1) ||
  skip "cannot create network namespaces: $why"
# The veth pair is made directly inside the namespaces, so its ends may both
# be called veth0 (each namespace has its own interface names).
why=$(ip link add veth0 netns "$NS_A" type veth peer name veth0 netns "$NS_B" 2>&1) ||
  skip "cannot join the namespaces by a veth pair: $why"
ip -n "$NS_A" addr add "$ADDR_A/24" dev veth0
ip -n "$NS_B" addr add "$ADDR_B/24" dev veth0
for ns in "$NS_A" "$NS_B"; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link set veth0 up
done
why=$(ip netns exec "$NS_A" unshare --uts --mount true 2>&1) || skip "cannot create UTS and mount namespaces: $why"

# on_host HOST COMMAND: run COMMAND (one shell string, as ssh takes it) on
# HOST: in its network namespace, with its own hostname and its own
# /dev/shm, so no shared-memory segment can be shared with the other host.
cat >"$WORK/on_host" <<SH
#!/usr/bin/env bash
case "\$1" in
  $ADDR_A) ns=$NS_A name=node-a ;;
  $ADDR_B) ns=$NS_B name=node-b ;;
  *) echo "on_host: no host \$1" >&2; exit 255 ;;
esac
echo "\${*:2}" >>"$WORK/on_host.\$1.log"
shift
exec ip netns exec "\$ns" unshare --uts --mount bash -c 'hostname "\$0" && mount -t tmpfs tmpfs /dev/shm && eval "\$1"' "\$name" "\$*"
SH
chmod +x "$WORK/on_host"
printf '%s slots=2\n%s slots=2\n' "$ADDR_A" "$ADDR_B" >"$WORK/hosts"

# LJ liquid under a Langevin thermostat: migration, halos, reverse forces,
# collective checkpoints and trajectory frames all cross the host boundary
# (ranks 1|2 and 3|0 are neighbours on different hosts).
write_deck "$WORK/lj.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 8000
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
shift = true
[propagator]
type = "langevin"
temperature = 1.2
[run]
steps = 300
timestep = 0.005
seed = 11
[output]
thermo_every = 50
checkpoint_every = 100
trajectory_every = 100
TOML

strata_np 4 run "$WORK/lj.toml" --output "$WORK/one" >"$WORK/one.log" 2>&1 || { cat "$WORK/one.log"; fail "one host"; }

veth_bytes() {  # bytes both ways through host A's end of the veth
  local rx tx
  rx=$(ip netns exec "$NS_A" cat /sys/class/net/veth0/statistics/rx_bytes)
  tx=$(ip netns exec "$NS_A" cat /sys/class/net/veth0/statistics/tx_bytes)
  echo $((rx + tx))
}
before=$(veth_bytes)
# btl: TCP between hosts (on the veth's subnet only), vader (shared memory)
# within one, self. The two hosts share this machine's cores, which Open MPI
# cannot know, so it is told to yield while waiting rather than spin.
# --display-map prints where each rank runs.
"$WORK/on_host" "$ADDR_A" "$(printf '%q ' "$MPIRUN" -np 4 --hostfile "$WORK/hosts" --display-map --bind-to none \
  --mca plm_rsh_agent "$WORK/on_host" --mca oob_tcp_if_include "$SUBNET" \
  --mca btl tcp,vader,self --mca btl_tcp_if_include "$SUBNET" --mca mpi_yield_when_idle 1 \
  "$STRATA" run "$WORK/lj.toml" --output "$WORK/two")" >"$WORK/two.log" 2>&1 ||
  { cat "$WORK/two.log"; fail "two hosts"; }
crossed=$(($(veth_bytes) - before))

grep -q "orted" "$WORK/on_host.$ADDR_B.log" 2>/dev/null || fail "mpirun did not start an orted on the second host"
for node in node-a "$ADDR_B"; do
  grep -Eq "Data for node: ${node}[[:space:]].*Num procs: 2" "$WORK/two.log" ||
    { cat "$WORK/two.log"; fail "not 2 ranks on $node"; }
done
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/one/final.h5" "$WORK/two/final.h5" ||
  fail "the two-host final state differs from the one-host run"
cmp "$WORK/one/thermo.csv" "$WORK/two/thermo.csv" || fail "the two-host thermo.csv differs from the one-host run"

# Strata counts the bytes each rank sends to its slab neighbours. Of the
# ring's 8 directed neighbour links, 4 cross the hosts (1->2, 2->1, 3->0,
# 0->3), and in a uniform liquid each carries about the same traffic, so
# about half of those bytes must have gone through the veth; TCP/IP headers,
# collectives and MPI-IO add to that (measured: 0.54 of them without output
# files, 0.61 with this deck's). Shared memory across the hosts, or both
# hosts in one namespace, would leave the veth with the launch traffic alone.
"$PYTHON" - "$WORK/two/summary.json" "$crossed" <<'PY' || fail "the ranks did not talk across the veth"
import json, sys
s = json.load(open(sys.argv[1]))
sent = s["bytes_per_rank_step"]["mean"] * s["ranks"] * s["steps"]
crossed = int(sys.argv[2])
print(f"veth carried {crossed / 1e6:.2f} MB; the ranks sent their neighbours {sent / 1e6:.2f} MB "
      f"(ratio {crossed / sent:.3f}, half of it crosses the hosts)")
sys.exit(0 if crossed >= 0.45 * sent else 1)
PY
echo "two hosts (2 ranks each, TCP over the veth): bitwise the one-host final state and thermo.csv"
