# shellcheck shell=bash
# The LJ benchmark case both LJ benchmarks run (sourced): LAMMPS' bench/in.lj
# (fcc at density 0.8442, T 1.44, cutoff 2.5, skin 0.3, velocity Verlet,
# dt 0.005) with LAMMPS' neighbour policy set to Strata's (a displacement
# check every step), and the Strata deck that integrates the state LAMMPS
# wrote.

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
neigh_modify    delay 0 every 1 check yes
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
[propagator]
type = "verlet"
[run]
steps = $steps
timestep = 0.005
[output]
thermo_every = $steps
TOML
}
