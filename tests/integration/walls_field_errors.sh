#!/usr/bin/env bash
# Bad [walls] and [field] input: a wall on a periodic axis, a wall
# parameter missing, of the wrong sign or that the wall type does not use,
# wall parameters without faces, an unknown face, field.force of the wrong
# length, forces with ballistic flight. Each is one line naming the deck, the line and the key,
# exit status 2, and nothing written (no output directory).
source "$(dirname "$0")/common.sh"

deck() {  # deck NAME: a deck from stdin, after a common head (z reflecting)
  {
    cat <<'TOML'
[system]
box = [7.0, 7.0, 7.0]
boundary = ["periodic", "periodic", "reflecting"]
[particles]
count = 100
placement = "fcc"
[propagator]
type = "brownian"
[run]
steps = 10
timestep = 0.005
TOML
    cat
  } >"$WORK/$1.toml"
  echo "$WORK/$1.toml"
}

periodic=$(deck periodic <<'TOML'
[walls]
faces = ["zlo", "xhi"]
TOML
)
missing_epsilon=$(deck missing_epsilon <<'TOML'
[walls]
faces = ["zlo", "zhi"]
sigma = 1.0
cutoff = 2.5
TOML
)
missing_sigma=$(deck missing_sigma <<'TOML'
[walls]
faces = ["zlo"]
type = "lj93"
epsilon = 1.0
cutoff = 2.5
TOML
)
missing_cutoff=$(deck missing_cutoff <<'TOML'
[walls]
faces = ["zhi"]
type = "harmonic"
epsilon = 1.0
TOML
)
negative_epsilon=$(deck negative_epsilon <<'TOML'
[walls]
faces = ["zlo"]
epsilon = -1.0
TOML
)
zero_cutoff=$(deck zero_cutoff <<'TOML'
[walls]
faces = ["zhi"]
cutoff = 0.0
TOML
)
harmonic_sigma=$(deck harmonic_sigma <<'TOML'
[walls]
faces = ["zlo", "zhi"]
type = "harmonic"
sigma = 1.0
TOML
)
no_faces=$(deck no_faces <<'TOML'
[walls]
epsilon = 2.0
TOML
)
bad_face=$(deck bad_face <<'TOML'
[walls]
faces = ["zmid"]
TOML
)
force_length=$(deck force_length <<'TOML'
[field]
force = [0.0, 0.0]
TOML
)
ballistic=$(deck ballistic <<'TOML'
[field]
gravity = [0.0, 0.0, -1.0]
TOML
)
run1() { "$STRATA" run "$@" --output "$WORK/never"; }
run2() { strata_np 2 run "$@" --output "$WORK/never"; }
for run in run1 run2; do
  expect_input_error "periodic.toml:13: key 'walls.faces' has \"xhi\", but system.boundary is periodic along x" \
    $run "$periodic"
done
expect_input_error "missing_epsilon.toml:13: missing required key 'walls.epsilon' \\(expected a float > 0" \
  run1 "$missing_epsilon"
expect_input_error "missing_sigma.toml:13: missing required key 'walls.sigma' \\(expected .*walls.type = \"lj93\"" \
  run1 "$missing_sigma"
expect_input_error "missing_cutoff.toml:13: missing required key 'walls.cutoff'" run2 "$missing_cutoff"
expect_input_error "negative_epsilon.toml:14: key 'walls.epsilon' is -1.0 \\(expected a float > 0" run1 "$negative_epsilon"
expect_input_error "zero_cutoff.toml:14: key 'walls.cutoff' is 0.0 \\(expected a float > 0" run1 "$zero_cutoff"
expect_input_error "harmonic_sigma.toml:15: key 'walls.sigma' is set, but walls.type = \"harmonic\" does not use it" \
  run1 "$harmonic_sigma"
expect_input_error "no_faces.toml:13: key 'walls.epsilon' is set, but walls.faces is not" run1 "$no_faces"
expect_input_error "bad_face.toml:13: element 1 of key 'walls.faces' is \"zmid\"" run1 "$bad_face"
expect_input_error "force_length.toml:13: key 'field.force' has 2 elements \\(expected 3 floats" run1 "$force_length"
expect_input_error "key 'propagator.type' is \"ballistic\", which ignores the forces of \\[walls\\]" \
  run1 "$ballistic" --set 'propagator.type="ballistic"'
echo "walls and field errors: one line each, exit 2, nothing written"
