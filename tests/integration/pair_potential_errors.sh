#!/usr/bin/env bash
# Bad pair-potential input: an unknown potential, a missing parameter, a
# parameter of the wrong sign or of another potential. Each is one line
# naming the deck, the line and the key, exit status 2, and nothing written
# (no output directory).
source "$(dirname "$0")/common.sh"

deck() {  # deck NAME: a deck from stdin, after a common head
  {
    cat <<'TOML'
[system]
box = [7.0, 7.0, 7.0]
[particles]
count = 100
placement = "fcc"
[propagator]
type = "verlet"
[run]
steps = 10
timestep = 0.005
TOML
    cat
  } >"$WORK/$1.toml"
  echo "$WORK/$1.toml"
}

unknown=$(deck unknown <<'TOML'
[interaction]
type = "yukowa"
TOML
)
no_kappa=$(deck no_kappa <<'TOML'
[species]
amplitude = [5.0]
[interaction]
type = "yukawa"
TOML
)
negative_kappa=$(deck negative_kappa <<'TOML'
[species]
amplitude = [5.0]
[interaction]
type = "yukawa"
kappa = -2.0
TOML
)
no_alpha=$(deck no_alpha <<'TOML'
[interaction]
type = "morse"
pairs = [{ species = ["A", "A"], d0 = 1.0, r0 = 1.1 }]
TOML
)
negative_d0=$(deck negative_d0 <<'TOML'
[interaction]
type = "morse"
pairs = [{ species = ["A", "A"], d0 = -1.0, alpha = 3.0, r0 = 1.1 }]
TOML
)
no_amplitude=$(deck no_amplitude <<'TOML'
[interaction]
type = "soft"
cutoff = 1.2
TOML
)
negative_amplitude=$(deck negative_amplitude <<'TOML'
[species]
amplitude = [-5.0]
[interaction]
type = "soft"
TOML
)
wca_cutoff=$(deck wca_cutoff <<'TOML'
[interaction]
type = "wca"
cutoff = 2.5
TOML
)
lj=$(deck lj <<'TOML'
[interaction]
type = "lj"
TOML
)

# Every case on a plain launch; on 2 ranks (where a rank that disagreed could
# hang or print twice) the three kinds the issue names.
run1() { "$STRATA" run "$@" --output "$WORK/never"; }
run2() { strata_np 2 run "$@" --output "$WORK/never"; }
for run in run1 run2; do
  expect_input_error "unknown.toml:12: key 'interaction.type' is \"yukowa\"; did you mean \"yukawa\"\\?" $run "$unknown"
  expect_input_error "no_alpha.toml:13: element 1 of key 'interaction.pairs' has no key 'alpha'" $run "$no_alpha"
  expect_input_error "negative_kappa.toml:15: key 'interaction.kappa' is -2.0 \\(expected a float > 0\\)" \
    $run "$negative_kappa"
done
expect_input_error "no_kappa.toml:14: missing required key 'interaction.kappa'" run1 "$no_kappa"
expect_input_error "negative_d0.toml:13: key 'd0' of element 1 of key 'interaction.pairs' is -1.0" run1 "$negative_d0"
expect_input_error "no_amplitude.toml:12: missing key 'species.amplitude'" run1 "$no_amplitude"
expect_input_error "negative_amplitude.toml:12: element 1 of key 'species.amplitude' is -5.0" run1 "$negative_amplitude"
expect_input_error "wca_cutoff.toml:13: key 'interaction.cutoff' is set, but interaction.type = \"wca\"" \
  run1 "$wca_cutoff"
# A --set that switches the potential: Morse does not mix, so the pair is missing.
expect_input_error "--set interaction.type=\"morse\": key 'interaction.pairs' has no element for the species pair" \
  run1 "$lj" --set 'interaction.type="morse"'
