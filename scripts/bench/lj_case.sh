# shellcheck shell=bash
# The LJ benchmark case both LJ benchmarks run (sourced): LAMMPS' bench/in.lj
# (fcc at density 0.8442, T 1.44, cutoff 2.5, skin 0.3, velocity Verlet,
# dt 0.005) with one neighbour policy for both codes, and the Strata deck
# that integrates the state LAMMPS wrote. The policy: LJ_EVERY (default 1)
# steps between checks, LJ_CHECK (default yes) whether a check looks at the
# displacements (yes: rebuild when an atom moved more than half the skin)
# or rebuilds blindly (no: in.lj as LAMMPS ships it is every 20 check no).
# STRATA_LJ_EVERY and STRATA_LJ_CHECK, when set, give Strata another policy
# than LAMMPS (each code as it ships: Strata checks every step).

# lj_lammps_input CELLS STEPS: in.lj on stdout; it writes initial.data.
lj_lammps_input() {
  cat <<IN
units           lj
atom_style      atomic
lattice         fcc 0.8442
region          box block 0 $1 0 $1 0 $1
create_box      1 box
create_atoms    1 box
mass            1 1.0
velocity        all create 1.44 87287 loop geom
pair_style      lj/cut 2.5
pair_coeff      1 1 1.0 1.0 2.5
neighbor        0.3 bin
neigh_modify    delay 0 every ${LJ_EVERY:-1} check ${LJ_CHECK:-yes}
write_data      initial.data
fix             1 all nve
timestep        0.005
thermo          $2
run             $2
IN
}

# lj_strata_deck DATA H5 STEPS: converts LAMMPS' DATA file to H5 (H5MD) and
# prints inputs/lj.toml's physics reading it, on stdout.
lj_strata_deck() {
  local data=$1 h5=$2 steps=$3 edge
  [ -e "$h5" ] || /usr/bin/python3 tests/data/lammps_lj/data2h5md.py "$data" "$h5" >/dev/null
  edge=$(/usr/bin/python3 -c "import h5py; print(repr(float(h5py.File('$h5')['particles/all/box/edges'][0])))")
  cat <<TOML
[system]
box = [$edge, $edge, $edge]
[particles]
placement = "file"
file = "$h5"
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
rebuild_check_every = ${STRATA_LJ_EVERY:-${LJ_EVERY:-1}}
rebuild_check = $([ "${STRATA_LJ_CHECK:-${LJ_CHECK:-yes}}" = yes ] && echo true || echo false)
precision = "${LJ_PRECISION:-double}"
[propagator]
type = "verlet"
[run]
steps = $steps
timestep = 0.005
[output]
thermo_every = $steps
TOML
}
