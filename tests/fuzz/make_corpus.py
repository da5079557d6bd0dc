#!/usr/bin/python3
"""Writes the deck fuzz corpus: tests/fuzz/corpus/NNN-<kind>.toml.

Every deck is a small valid seed deck (tests/fuzz/seeds/, written from SEEDS
below) with one mutation that makes it invalid by construction: an unknown
key or section, a wrong type, a value out of range, an invalid enum, a missing
or duplicated key, a TOML syntax error, a truncation, invalid UTF-8, binary
garbage, an extremely long or deeply nested value, an inconsistent
combination of keys, an impossible decomposition, a bad run.walltime... Strata
must reject each one with exit status 2 and a one-line error
(tests/integration/deck_fuzz.sh). The first line of a deck says what was
mutated ("# fuzz: ..."), except where the deck is empty or binary.

The seeds are tiny (a few hundred particles, a few steps), so a deck wrongly
accepted makes a short run, not a hang.

Deterministic: a fixed random seed and no dependence on the environment; run
it again after changing it and commit both the script and the corpus:

    /usr/bin/python3 tests/fuzz/make_corpus.py

Self-checks (an assertion stops the script): a mutation meant to be valid
TOML parses with tomllib and differs from its seed; a syntax mutation does
not parse; a truncation cuts before the end of the deck's last required value
(run.timestep), and what is left, if it parses, has no timestep or a zero one.
"""
import os
import random
import shutil
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_DIR = os.path.join(HERE, "seeds")
CORPUS_DIR = os.path.join(HERE, "corpus")
RNG = random.Random(20260505)
MIN_DECKS = 250

# ---------------------------------------------------------------------------
# Seeds: (section, [(key, TOML value text)]) in file order. Each ends with
# [run] ... timestep, so that any truncation of it drops or breaks a required
# value (every prefix of "0.01" or "0.005" is 0 or not a number).
# ---------------------------------------------------------------------------

SEEDS = {
    "brownian": [
        ("system", [("box", "[6.0, 6.0, 6.0]"), ("boundary", '"periodic"')]),
        ("particles", [("count", "200"), ("placement", '"uniform"'), ("temperature", "0.0")]),
        ("propagator", [("type", '"brownian"'), ("diffusion", "1.0"), ("noise", '"uniform"')]),
        ("decomposition", [("axis", '"x"')]),
        ("output", [("dir", '"output/fuzz-brownian"'), ("thermo_every", "5"), ("checkpoint_every", "0"),
                    ("checkpoint_keep", "2")]),
        ("run", [("seed", "7"), ("walltime", '"none"'), ("steps", "10"), ("timestep", "0.01")]),
    ],
    "ballistic": [
        ("system", [("box", "[8.0, 8.0, 8.0]"), ("boundary", '["periodic", "reflecting", "reflecting"]')]),
        ("particles", [("count", "125"), ("placement", '"sc"'), ("temperature", "1.0"), ("mass", "1.0"),
                       ("drift", "[0.1, 0.0, 0.0]")]),
        ("propagator", [("type", '"ballistic"')]),
        ("output", [("thermo_every", "5"), ("checkpoint_every", "5"), ("checkpoint_keep", "1"),
                    ("trajectory_every", "5"), ("trajectory_fields", '["image", "velocity"]'),
                    ("trajectory_deflate", "1")]),
        ("run", [("seed", "3"), ("steps", "10"), ("timestep", "0.005")]),
    ],
    "lj": [
        ("system", [("box", "[7.0, 7.0, 7.0]"), ("boundary", '"periodic"')]),
        ("particles", [("count", "108"), ("placement", '"fcc"'), ("temperature", "1.0")]),
        ("interaction", [("type", '"lj"'), ("cutoff", "2.5"), ("skin", "0.3"), ("shift", "true"),
                         ("rebuild_check_every", "1")]),
        ("propagator", [("type", '"verlet"')]),
        ("decomposition", [("axis", '"y"')]),
        ("output", [("thermo_every", "5"), ("trajectory_every", "5"), ("trajectory_fields", '["force", "image"]')]),
        ("run", [("seed", "11"), ("steps", "5"), ("timestep", "0.005")]),
    ],
    "mixture": [
        ("system", [("density", "0.8"), ("boundary", '"periodic"')]),
        ("particles", [("count", "250"), ("placement", '"fcc"'), ("temperature", "1.0")]),
        ("species", [("names", '["A", "B"]'), ("mass", "[1.0, 1.0]"), ("epsilon", "[1.0, 0.5]"),
                     ("sigma", "[1.0, 0.88]"), ("fraction", "[0.8, 0.2]")]),
        ("interaction", [("type", '"lj"'), ("cutoff", "2.5"), ("skin", "0.3"), ("shift", "true"),
                         ("mixing", '"lorentz-berthelot"'),
                         ("pairs", '[\n'
                                   '  { species = ["A", "A"], epsilon = 1.0, sigma = 1.0 },\n'
                                   '  { species = ["A", "B"], epsilon = 1.5, sigma = 0.8, cutoff = 2.0 },\n'
                                   '  { species = ["B", "B"], epsilon = 0.5, sigma = 0.88, cutoff = 2.2 },\n'
                                   ']')]),
        ("propagator", [("type", '"langevin"'), ("temperature", "1.0"), ("damping", "1.0")]),
        ("output", [("thermo_every", "5")]),
        ("run", [("seed", "1995"), ("steps", "5"), ("timestep", "0.005")]),
    ],
}
SEED_NAMES = list(SEEDS)

# The deck schema as docs/deck.md gives it: key -> kind.
SCHEMA = {
    "system.box": "float3+", "system.density": "float+", "system.boundary": "boundary",
    "particles.count": "int1", "particles.placement": "enum", "particles.file": "string",
    "particles.temperature": "float0", "particles.drift": "float3", "particles.mass": "float+",
    "species.names": "names", "species.mass": "floats+", "species.epsilon": "floats+",
    "species.sigma": "floats+", "species.fraction": "fraction",
    "propagator.type": "enum", "propagator.temperature": "float+", "propagator.damping": "float+",
    "propagator.diffusion": "float+", "propagator.noise": "enum",
    "interaction.type": "enum", "interaction.cutoff": "float+", "interaction.skin": "float0",
    "interaction.shift": "bool", "interaction.mixing": "enum", "interaction.rebuild_check_every": "int1",
    "interaction.pairs": "pairs", "decomposition.axis": "enum",
    "run.steps": "int0", "run.timestep": "float+", "run.seed": "int0", "run.walltime": "walltime",
    "output.dir": "string", "output.thermo_every": "int1", "output.checkpoint_every": "int0",
    "output.checkpoint_keep": "int1", "output.trajectory_every": "int0", "output.trajectory_fields": "fields",
    "output.trajectory_deflate": "deflate",
}


class Deck:
    """A seed deck as editable (section, [[key, value]]) rows; raw lines allowed."""

    def __init__(self, seed):
        self.seed = seed
        self.rows = [[sec, [list(kv) for kv in kvs]] for sec, kvs in SEEDS[seed]]
        self.prefix = []  # raw lines before the first section

    def _sec(self, sec):
        for row in self.rows:
            if row[0] == sec:
                return row[1]
        return None

    def has(self, sec, key=None):
        kvs = self._sec(sec)
        return kvs is not None and (key is None or any(k == key for k, _ in kvs))

    def get(self, sec, key):
        return next(v for k, v in self._sec(sec) if k == key)

    def set(self, sec, key, value):
        kvs = self._sec(sec)
        if kvs is None:
            self.rows.insert(len(self.rows) - 1, [sec, []])  # before [run], which stays last
            kvs = self._sec(sec)
        for kv in kvs:
            if kv[0] == key:
                kv[1] = value
                return self
        kvs.append([key, value])
        return self

    def add(self, sec, key, value):
        """Appends even if the key exists (duplicates)."""
        self._sec(sec).append([key, value])
        return self

    def delete(self, sec, key):
        kvs = self._sec(sec)
        kvs[:] = [kv for kv in kvs if kv[0] != key]
        return self

    def drop_section(self, sec):
        self.rows = [r for r in self.rows if r[0] != sec]
        return self

    def rename_key(self, sec, old, new):
        for kv in self._sec(sec):
            if kv[0] == old:
                kv[0] = new
        return self

    def rename_section(self, old, new):
        for row in self.rows:
            if row[0] == old:
                row[0] = new
        return self

    def keys(self):
        return [(sec, k) for sec, kvs in self.rows for k, _ in kvs]

    def text(self):
        lines = list(self.prefix)
        for sec, kvs in self.rows:
            lines.append(sec if sec.startswith("[") else "[" + sec + "]")
            for k, v in kvs:
                lines.append(v if k is None else k + " = " + v)
        return "\n".join(lines) + "\n"


def seed_text(seed):
    return Deck(seed).text()


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------

DECKS = []  # (kind, description, bytes)
KINDS = set()

PARSES, SYNTAX, ANY = "parses", "syntax", "any"


def manifest(kind, desc):
    desc = desc.replace("\n", "\\n").replace("\r", "\\r")
    return "# fuzz: " + kind + ": " + desc + "\n"


def canon(x):
    """x with its types spelled out (True == 1.0 in Python, and nan != nan)."""
    if isinstance(x, dict):
        return tuple(sorted((k, canon(v)) for k, v in x.items()))
    if isinstance(x, list):
        return ("list",) + tuple(canon(v) for v in x)
    return (type(x).__name__, repr(x))


def emit(kind, desc, body, expect, seed=None, header=True):
    """body: str or bytes of the mutated deck (without the manifest line)."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    data = (manifest(kind, desc).encode() if header else b"") + raw
    if expect in (PARSES, SYNTAX):
        try:
            parsed = tomllib.loads(data.decode("utf-8"))
            ok = True
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            ok, err = False, e
        if expect == PARSES:
            assert ok, f"{kind} ({desc}): meant to be valid TOML, but tomllib says {err}"
            if seed is not None:
                assert canon(parsed) != canon(tomllib.loads(seed_text(seed))), \
                    f"{kind} ({desc}): no change to seed {seed}"
        else:
            assert not ok, f"{kind} ({desc}): meant to be a TOML syntax error, but tomllib parses it"
    if any(data == d for _, _, d in DECKS):
        return  # the same mutation drawn twice
    DECKS.append((kind, desc, data))
    KINDS.add(kind)


def edit(kind, seed, desc, fn, expect=PARSES):
    d = Deck(seed)
    fn(d)
    emit(kind, f"{desc} (seed {seed})", d.text(), expect, seed)


# --- unknown keys and sections ----------------------------------------------

def misspell(word):
    ops = ["swap", "drop", "double", "replace", "upper", "plural", "hyphen", "prefix"]
    while True:
        op = RNG.choice(ops)
        i = RNG.randrange(len(word))
        if op == "swap" and len(word) > 1:
            i = min(i, len(word) - 2)
            w = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == "drop" and len(word) > 2:
            w = word[:i] + word[i + 1:]
        elif op == "double":
            w = word[:i] + word[i] + word[i:]
        elif op == "replace":
            w = word[:i] + RNG.choice("aeiouxzq") + word[i + 1:]
        elif op == "upper":
            w = word[0].upper() + word[1:]
        elif op == "plural":
            w = word + "s"
        elif op == "hyphen" and "_" in word:
            w = word.replace("_", "-")
        elif op == "prefix":
            w = "_" + word
        else:
            continue
        if w != word and all(c.isalnum() or c in "_-" for c in w):
            return w


def gen_unknown_keys():
    pairs = [(s, sec, k) for s in SEED_NAMES for sec, k in Deck(s).keys()]
    RNG.shuffle(pairs)
    made = 0
    for seed, sec, key in pairs:
        if made == 12:
            break
        new = misspell(key)
        if sec + "." + new in SCHEMA or Deck(seed).has(sec, new):
            continue
        edit("unknown-key", seed, f"{sec}.{key} misspelled as {sec}.{new}", lambda d: d.rename_key(sec, key, new))
        made += 1
    # Keys that exist, but in another section.
    moves = [("brownian", "run", "timestep", "propagator"), ("brownian", "output", "thermo_every", "run"),
             ("lj", "particles", "count", "system"), ("ballistic", "system", "box", "particles"),
             ("lj", "interaction", "cutoff", "system"), ("mixture", "species", "names", "particles")]
    for seed, sec, key, to in moves:
        def move(d, sec=sec, key=key, to=to):
            value = d.get(sec, key)
            d.delete(sec, key)
            d.set(to, key, value)
        edit("key-in-wrong-section", seed, f"{sec}.{key} moved to [{to}]", move)
    extra = [("brownian", "run", "nsteps", "10"), ("lj", "interaction", "epsilon", "1.0"),
             ("mixture", "species", "charge", "[1.0, -1.0]"), ("ballistic", "output", "format", '"h5md"'),
             ("brownian", "propagator", "friction", "1.0"), ("lj", "system", "periodic", "true"),
             ("brownian", "run", "Steps", "10"), ("brownian", "run", "\"\u0455teps\"", "10"),
             ("lj", "particles", "\"count \"", "108"), ("brownian", "run", "\"ste\\nps\"", "10"),
             ("brownian", "run", "\"ti\\u0000mestep\"", "0.01"), ("brownian", "run", "\"ste\\rps\"", "10"),
             ("brownian", "particles", "number.value", "200")]
    for seed, sec, key, value in extra:
        edit("unknown-key", seed, f"unknown key {key} added to [{sec}]", lambda d, s=sec, k=key, v=value: d.set(s, k, v))
    # Unknown keys inside an interaction.pairs element.
    for bad in ["eps = 1.0", "cutof = 2.0", "Sigma = 1.0", '"cut\\noff" = 2.0']:
        edit("unknown-pair-key", "mixture", f"interaction.pairs element with {bad}",
             lambda d, b=bad: d.set("interaction", "pairs", f'[{{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8, {b} }}]'))


def gen_unknown_sections():
    renames = [("brownian", "system", "sytem"), ("brownian", "run", "Run"), ("lj", "particles", "particle"),
               ("lj", "propagator", "propagators"), ("ballistic", "output", "outputs"),
               ("mixture", "interaction", "interactions"), ("brownian", "decomposition", "decompositon"),
               ("mixture", "species", "specie"), ("lj", "interaction", "pair"), ("brownian", "output", "OUTPUT")]
    for seed, old, new in renames:
        edit("unknown-section", seed, f"[{old}] renamed [{new}]", lambda d, o=old, n=new: d.rename_section(o, n))
    added = [("brownian", "[thermostat]", "type = \"nose-hoover\""), ("lj", "[neighbor]", "every = 10"),
             ("ballistic", "[\"sys\\ntem\"]", "x = 1"), ("mixture", "[\"\u0455ystem\"]", "box = [7.0, 7.0, 7.0]"),
             ("brownian", "[system.extra]", "x = 1"), ("lj", "[run.limits]", "max = 5")]
    for seed, header, line in added:
        def add(d, h=header, l=line):
            d.rows.insert(1, [h, [[None, l]]])
        edit("unknown-subtable" if "." in header else "unknown-section", seed, f"section {header} added", add)
    for seed, line in [("brownian", "steps = 10"), ("lj", 'title = "fuzz"'), ("mixture", "seed = 5")]:
        def top(d, l=line):
            d.prefix.append(l)
        edit("key-outside-sections", seed, f"top-level key '{line}' before any section", top)


def gen_section_not_table():
    for seed, sec, repl in [("brownian", "run", "run = 5"), ("lj", "system", "system = []"),
                            ("brownian", "propagator", 'propagator = "brownian"'),
                            ("mixture", "species", 'species = ["A", "B"]')]:
        def f(d, sec=sec, repl=repl):
            d.prefix.append(repl)
            d.drop_section(sec)
        edit("section-not-table", seed, f"[{sec}] replaced by '{repl}'", f)
    for seed, sec in [("brownian", "run"), ("lj", "interaction")]:
        edit("section-array-of-tables", seed, f"[[{sec}]] instead of [{sec}]",
             lambda d, s=sec: d.rename_section(s, f"[[{s}]]"))


# --- wrong types --------------------------------------------------------------

WRONG = {
    "int": ['"10"', "10.0", "1e1", "true", "[10]", "{ value = 10 }", "1979-05-27", "07:32:00", "inf", "nan", "'ten'"],
    "float": ['"1.0"', "true", "[1.0]", "{ value = 1.0 }", "1979-05-27T07:32:00Z", "false", "'0.5'"],
    "float3": ["6.0", '"6 6 6"', "[6.0, 6.0]", "[6.0, 6.0, 6.0, 6.0]", "[]", '[6.0, "6.0", 6.0]',
               "[6.0, true, 6.0]", "[[6.0], 6.0, 6.0]", "{ x = 6.0, y = 6.0, z = 6.0 }", "[1979-05-27, 6.0, 6.0]"],
    "enum": ["1", "true", '["brownian"]', "{ name = \"x\" }", "2.5"],
    "bool": ["1", "0", '"true"', '"yes"', "[true]"],
    "string": ["5", "true", '["x"]', "{ path = \"x\" }", "1.5"],
    "strings": ['"image"', "[1, 2]", "[[\"image\"]]", "{ a = \"image\" }", "true"],
    "floats": ["1.0", '["1.0", "1.0"]', "[[1.0], [1.0]]", "[true, false]", '"1.0, 1.0"'],
    "pairs": ['{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8 }', "[1, 2]", '["A", "B"]', "1.5",
              '[[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8 }]]'],
}


def base_kind(kind):
    return {"int0": "int", "int1": "int", "deflate": "int", "float+": "float", "float0": "float",
            "float3+": "float3", "float3": "float3", "enum": "enum", "boundary": "enum", "bool": "bool",
            "string": "string", "walltime": "string", "names": "strings", "fields": "strings",
            "floats+": "floats", "fraction": "floats", "pairs": "pairs"}[kind]


def gen_wrong_types():
    targets = [(s, sec, k) for s in SEED_NAMES for sec, k in Deck(s).keys()]
    # Every key the seeds have, once, with a random wrong type (in a random
    # seed that has it), then the first wrong-type forms of each kind on a
    # random key of that kind.
    keys = sorted({(sec, k) for _, sec, k in targets})
    for sec, key in keys:
        seed = RNG.choice([s for s, sec2, k2 in targets if (sec2, k2) == (sec, key)])
        kind = base_kind(SCHEMA[sec + "." + key])
        value = RNG.choice(WRONG[kind])
        if kind == "strings" and value == '"image"' and key == "names":
            value = '"A"'
        edit(f"wrong-type-{kind}", seed, f"{sec}.{key} = {value}", lambda d, s=sec, k=key, v=value: d.set(s, k, v))
    by_kind = {}
    for t in targets:
        by_kind.setdefault(base_kind(SCHEMA[t[1] + "." + t[2]]), []).append(t)
    for kind, values in WRONG.items():
        for value in values[:3]:
            seed, sec, key = RNG.choice(by_kind[kind])
            if kind == "strings" and key == "names" and value == '"image"':
                value = '"A"'
            edit(f"wrong-type-{kind}", seed, f"{sec}.{key} = {value}",
                 lambda d, s=sec, k=key, v=value: d.set(s, k, v))
    # A time of day where a walltime string is meant (unquoted HH:MM:SS).
    edit("wrong-type-string", "brownian", "run.walltime = 12:00:00 (a TOML time, not a string)",
         lambda d: d.set("run", "walltime", "12:00:00"))


# --- values out of range --------------------------------------------------------

def gen_out_of_range():
    cases = [
        ("brownian", "particles", "count", ["0", "-1", "-9223372036854775808", "0x0"]),
        ("lj", "run", "steps", ["-1", "-10"]),
        ("brownian", "run", "seed", ["-1"]),
        ("brownian", "output", "thermo_every", ["0", "-5"]),
        ("brownian", "output", "checkpoint_every", ["-1"]),
        ("ballistic", "output", "checkpoint_keep", ["0", "-2"]),
        ("ballistic", "output", "trajectory_every", ["-1"]),
        ("ballistic", "output", "trajectory_deflate", ["-1", "10", "99", "9223372036854775807"]),
        ("lj", "interaction", "rebuild_check_every", ["0", "-1"]),
        ("brownian", "run", "timestep", ["0", "-0.01", "-0.0", "-1e-300"]),
        ("mixture", "system", "density", ["0.0", "-0.8"]),
        ("ballistic", "particles", "temperature", ["-1.0", "-1e-300"]),
        ("mixture", "propagator", "temperature", ["0.0", "-1.0"]),
        ("mixture", "propagator", "damping", ["0", "-1.0"]),
        ("brownian", "propagator", "diffusion", ["0.0", "-1"]),
        ("ballistic", "particles", "mass", ["0.0", "-1.0"]),
        ("lj", "interaction", "cutoff", ["0.0", "-2.5"]),
        ("lj", "interaction", "skin", ["-0.3"]),
        ("brownian", "system", "box", ["[6.0, 0.0, 6.0]", "[-6.0, 6.0, 6.0]", "[6.0, 6.0, -0.0]"]),
        ("mixture", "species", "mass", ["[1.0, 0.0]", "[-1.0, 1.0]"]),
        ("mixture", "species", "epsilon", ["[1.0, -0.5]"]),
        ("mixture", "species", "sigma", ["[0.0, 0.88]"]),
        ("mixture", "species", "fraction", ["[1.2, -0.2]"]),
    ]
    for seed, sec, key, values in cases:
        for v in values:
            edit("out-of-range", seed, f"{sec}.{key} = {v}", lambda d, s=sec, k=key, v=v: d.set(s, k, v))
    # Special floats: nan and inf in every float key kind.
    specials = [("brownian", "run", "timestep", "nan"), ("brownian", "run", "timestep", "inf"),
                ("ballistic", "particles", "temperature", "+inf"), ("lj", "interaction", "cutoff", "-nan"),
                ("lj", "interaction", "skin", "inf"), ("mixture", "system", "density", "+nan"),
                ("mixture", "propagator", "damping", "inf"), ("brownian", "propagator", "diffusion", "nan"),
                ("brownian", "system", "box", "[6.0, nan, 6.0]"), ("brownian", "system", "box", "[inf, 6.0, 6.0]"),
                ("ballistic", "particles", "drift", "[0.0, -inf, 0.0]"), ("ballistic", "particles", "mass", "nan"),
                ("mixture", "species", "sigma", "[1.0, inf]"), ("mixture", "species", "fraction", "[nan, 0.2]"),
                ("mixture", "interaction", "pairs", '[{ species = ["A", "B"], epsilon = nan, sigma = 0.8 }]')]
    for seed, sec, key, v in specials:
        edit("nan-inf", seed, f"{sec}.{key} = {v}", lambda d, s=sec, k=key, v=v: d.set(s, k, v))
    # Exponents beyond double (Strata's TOML parser refuses them; tomllib reads inf or 0).
    for seed, sec, key, v in [("brownian", "run", "timestep", "1e400"), ("brownian", "system", "box", "[1e999, 6.0, 6.0]"),
                              ("ballistic", "particles", "drift", "[-1e400, 0.0, 0.0]"),
                              ("lj", "interaction", "cutoff", "1e-400"),
                              ("mixture", "system", "density", "5e-324")]:
        edit("huge-exponent", seed, f"{sec}.{key} = {v}", lambda d, s=sec, k=key, v=v: d.set(s, k, v), ANY)
    # Integers beyond 64 bits.
    for seed, sec, key, v in [("brownian", "run", "steps", "9223372036854775808"),
                              ("brownian", "particles", "count", "-9223372036854775809"),
                              ("brownian", "run", "seed", "18446744073709551616"),
                              ("brownian", "particles", "count", "1" + "0" * 40)]:
        edit("integer-overflow", seed, f"{sec}.{key} = {v[:24]}{'...' if len(v) > 24 else ''}",
             lambda d, s=sec, k=key, v=v: d.set(s, k, v), ANY)
    # Fractions that do not sum to 1.
    for v in ["[0.5, 0.6]", "[0.8, 0.1]", "[1.0, 1.0]", "[0.5, 0.5000001]", "[0.0, 0.0]", "[0.3, 0.3]"]:
        edit("fraction-sum", "mixture", f"species.fraction = {v}", lambda d, v=v: d.set("species", "fraction", v))
    edit("fraction-sum", "brownian", "one species with species.fraction = [0.5]",
         lambda d: d.set("species", "fraction", "[0.5]"))


# --- invalid enumerated values -------------------------------------------------

def gen_enums():
    cases = [
        ("brownian", "propagator", "type", ['"Brownian"', '"brownain"', '"lj"', '""', '"brownian "',
                                            '"br\u043ewnian"', '"brown\\u0000ian"', '"brownian\u200b"',
                                            '"brow\\u0007\\r\\u001bnian"']),
        ("lj", "interaction", "type", ['"LJ"', '"lennard-jones"', '"None"']),
        ("brownian", "system", "boundary", ['"Periodic"', '"open"', '"periodic, periodic"',
                                            '["periodic", "periodic"]', '["periodic", "walls", "periodic"]',
                                            '["periodic", "periodic", "periodic", "periodic"]', "[1, 2, 3]", "[]"]),
        ("lj", "particles", "placement", ['"bcc"', '"FCC"', '"files"']),
        ("brownian", "propagator", "noise", ['"normal"', '"Gaussian"']),
        ("mixture", "interaction", "mixing", ['"arithmetic"', '"lorentz_berthelot"', '"LB"']),
        ("brownian", "decomposition", "axis", ['"w"', '"X"', '"xy"', "0"]),
        ("ballistic", "output", "trajectory_fields", ['["pos"]', '["image", "image"]', '["Image"]', "[]",
                                                      '["position", "forces"]']),
        ("mixture", "species", "names", ['["A", "A"]', '["A", ""]', "[]", '["A", "B", "A"]']),
    ]
    for seed, sec, key, values in cases:
        for v in values:
            edit("invalid-enum" if key not in ("names", "trajectory_fields") else "invalid-list",
                 seed, f"{sec}.{key} = {v}", lambda d, s=sec, k=key, v=v: d.set(s, k, v))


# --- missing and duplicated keys -----------------------------------------------

def gen_missing():
    cases = [("brownian", "propagator", "type"), ("lj", "run", "steps"), ("mixture", "run", "timestep"),
             ("brownian", "system", "box"), ("mixture", "system", "density"), ("lj", "particles", "count"),
             ("ballistic", "run", "steps")]
    for seed, sec, key in cases:
        edit("missing-key", seed, f"{sec}.{key} removed", lambda d, s=sec, k=key: d.delete(s, k))
    for seed, sec in [("brownian", "run"), ("lj", "propagator"), ("mixture", "system"), ("ballistic", "particles")]:
        edit("missing-section", seed, f"section [{sec}] removed", lambda d, s=sec: d.drop_section(s))
    edit("missing-key", "brownian", "every key removed, section headers kept",
         lambda d: [kvs.clear() for _, kvs in d.rows])
    edit("missing-key", "mixture", "interaction.pairs element without epsilon",
         lambda d: d.set("interaction", "pairs", '[{ species = ["A", "B"], sigma = 0.8 }]'))
    edit("missing-key", "mixture", "interaction.pairs element without sigma",
         lambda d: d.set("interaction", "pairs", '[{ species = ["A", "B"], epsilon = 1.5 }]'))
    edit("missing-key", "mixture", "interaction.pairs element without species",
         lambda d: d.set("interaction", "pairs", "[{ epsilon = 1.5, sigma = 0.8 }]"))


def gen_duplicates():
    for seed, sec, key, value in [("brownian", "run", "steps", "20"), ("lj", "system", "box", "[7.0, 7.0, 7.0]"),
                                  ("mixture", "species", "names", '["A", "B"]'),
                                  ("brownian", "propagator", "type", '"brownian"')]:
        edit("duplicate-key", seed, f"{sec}.{key} given twice", lambda d, s=sec, k=key, v=value: d.add(s, k, v), SYNTAX)
    for seed, sec in [("brownian", "run"), ("lj", "system"), ("mixture", "species")]:
        def dup(d, sec=sec):
            d.rows.append([sec, [[None, "# the same section again"]]])
        edit("duplicate-table", seed, f"[{sec}] header twice", dup, SYNTAX)
    edit("duplicate-table", "brownian", "run.steps as a dotted key at the top and a [run] section",
         lambda d: d.prefix.append("run.steps = 10"), SYNTAX)
    edit("duplicate-table", "lj", "[system.box] table after system.box = [...]",
         lambda d: d.rows.insert(1, ["system.box", [["x", "7.0"]]]), SYNTAX)
    edit("duplicate-key", "mixture", "epsilon twice in one interaction.pairs element",
         lambda d: d.set("interaction", "pairs", '[{ species = ["A", "B"], epsilon = 1.5, epsilon = 1.0, sigma = 0.8 }]'),
         SYNTAX)
    edit("duplicate-table", "mixture", "interaction.pairs = [...] and [[interaction.pairs]] both",
         lambda d: d.rows.append(["[[interaction.pairs]]", [["species", '["A", "A"]'], ["epsilon", "1.0"],
                                                            ["sigma", "1.0"]]]), SYNTAX)


# --- inconsistent combinations -----------------------------------------------------

def gen_combos():
    edit("ballistic-with-lj", "lj", "propagator.type = \"ballistic\" with interaction.type = \"lj\"",
         lambda d: d.set("propagator", "type", '"ballistic"'))
    edit("ballistic-with-lj", "ballistic", "interaction.type = \"lj\" added to a ballistic deck",
         lambda d: d.set("interaction", "type", '"lj"'))
    edit("box-and-density", "brownian", "system.density = 0.9 added to a deck with system.box",
         lambda d: d.set("system", "density", "0.9"))
    edit("box-and-density", "mixture", "system.box added to a deck with system.density",
         lambda d: d.set("system", "box", "[6.8, 6.8, 6.8]"))
    edit("mass-twice", "mixture", "particles.mass added to a deck with species.mass",
         lambda d: d.set("particles", "mass", "1.0"))
    edit("mass-twice", "ballistic", "species.mass added to a deck with particles.mass",
         lambda d: d.set("species", "mass", "[1.0]"))
    for key, v in [("mass", "[1.0]"), ("epsilon", "[1.0, 0.5, 0.5]"), ("sigma", "[]"), ("fraction", "[1.0]"),
                   ("mass", "[1.0, 1.0, 1.0, 1.0]")]:
        edit("species-length", "mixture", f"species.{key} = {v} with two species.names",
             lambda d, k=key, v=v: d.set("species", k, v))
    edit("species-length", "mixture", "species.names with three names, arrays of two",
         lambda d: d.set("species", "names", '["A", "B", "C"]'))
    nine = ", ".join(f'"S{i}"' for i in range(9))
    ones = ", ".join(["1.0"] * 9)
    edit("too-many-species", "brownian", "nine species (Strata's kernels hold at most 8)",
         lambda d: [d.set("species", "names", f"[{nine}]"), d.set("species", "epsilon", f"[{ones}]")])
    many = ", ".join(f'"T{i}"' for i in range(64))
    edit("too-many-species", "lj", "64 species names",
         lambda d: d.set("species", "names", f"[{many}]"))
    pairs_bad = [
        ('[{ species = ["A", "C"], epsilon = 1.0, sigma = 1.0 }]', "unknown species C"),
        ('[{ species = ["a", "B"], epsilon = 1.0, sigma = 1.0 }]', "species a (names are case-sensitive)"),
        ('[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8 }, { species = ["B", "A"], epsilon = 1.0, sigma = 1.0 }]',
         "the pair (A, B) twice, in both orders"),
        ('[{ species = ["A", "A"], epsilon = 1.0, sigma = 1.0 }, { species = ["A", "A"], epsilon = 1.0, sigma = 1.0 }]',
         "the pair (A, A) twice"),
        ('[{ species = ["A", "B", "A"], epsilon = 1.0, sigma = 1.0 }]', "three species in one pair"),
        ('[{ species = ["A"], epsilon = 1.0, sigma = 1.0 }]', "one species in a pair"),
        ('[{ species = "A", epsilon = 1.0, sigma = 1.0 }]', "species a string"),
        ('[{ species = ["A", 2], epsilon = 1.0, sigma = 1.0 }]', "species an integer"),
        ('[{ species = ["A", ""], epsilon = 1.0, sigma = 1.0 }]', "an empty species name"),
        ('[{ species = ["A", "B"], epsilon = -1.5, sigma = 0.8 }]', "negative epsilon"),
        ('[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.0 }]', "zero sigma"),
        ('[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8, cutoff = -2.0 }]', "negative cutoff"),
        ('[{ species = ["A", "B"], epsilon = "1.5", sigma = 0.8 }]', "epsilon a string"),
    ]
    for v, what in pairs_bad:
        edit("bad-pair", "mixture", f"interaction.pairs with {what}", lambda d, v=v: d.set("interaction", "pairs", v))
    edit("bad-pair", "brownian", "interaction.pairs naming species B that only species A exists",
         lambda d: d.set("interaction", "pairs", '[{ species = ["A", "B"], epsilon = 1.0, sigma = 1.0 }]'))
    edit("force-without-interaction", "brownian", "trajectory_fields with \"force\" but no interaction",
         lambda d: [d.set("output", "trajectory_every", "5"), d.set("output", "trajectory_fields", '["force"]')])
    edit("infinite-box", "mixture", "system.density = 1e-320 (box edge (250 / 1e-320)^(1/3) overflows)",
         lambda d: d.set("system", "density", "1e-320"))


def gen_decomposition():
    # Periodic box lengths shorter than twice cutoff + skin: impossible on any
    # number of ranks (so on the one rank of a plain launch too).
    cases = [("lj", "system", "box", "[5.0, 5.0, 5.0]", "box 5 < 2 x (2.5 + 0.3)"),
             ("lj", "system", "box", "[7.0, 7.0, 5.5]", "box z 5.5 < 5.6"),
             ("lj", "interaction", "cutoff", "3.5", "cutoff 3.5 on box 7"),
             ("lj", "interaction", "skin", "1.5", "skin 1.5 on box 7"),
             ("mixture", "interaction", "pairs",
              '[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8, cutoff = 4.0 }]', "pair cutoff 4 on box 6.8"),
             ("mixture", "system", "density", "1.2", "density 1.2: box 5.9 < 5.6 + ... with pair cutoff 2.5"),
             ("lj", "interaction", "cutoff", "1e300", "cutoff 1e300"),
             ("lj", "interaction", "skin", "1e308", "skin 1e308")]
    for seed, sec, key, v, what in cases:
        if key == "density":
            # (250 / 1.2)^(1/3) = 5.93 > 5.6: make it impossible with a longer cutoff.
            edit("decomposition-impossible", seed, "density 1.2 (box 5.93) with cutoff 2.8 + skin 0.3",
                 lambda d: [d.set("system", "density", "1.2"), d.set("interaction", "cutoff", "2.8")])
            continue
        edit("decomposition-impossible", seed, what, lambda d, s=sec, k=key, v=v: d.set(s, k, v))
    edit("decomposition-impossible", "brownian", "verlet without interaction (halo = skin 0.3) on box 0.5",
         lambda d: [d.set("propagator", "type", '"verlet"'), d.set("system", "box", "[0.5, 0.5, 0.5]")])


def gen_files():
    def file_deck(d, path, count=None, box="[6.0, 6.0, 6.0]"):
        d.set("particles", "placement", '"file"')
        d.delete("particles", "count")
        d.set("particles", "file", path)
        if count is not None:
            d.set("particles", "count", count)
        d.set("system", "box", box)
    for path, what in [('"no-such-file.h5"', "a file that does not exist"), ('"."', "a directory"),
                       ('"/"', "the root directory"), ('"/dev/null"', "a device, not a regular file"),
                       ('"../seeds/brownian.toml"', "a TOML file, not HDF5"), ('""', "an empty path"),
                       ('"missing\\u0000.h5"', "a path with a NUL"), ('"new\\nline.h5"', "a path with a newline"),
                       ('"../../data/lammps_lj/initial.h5/position"', "a path below a file")]:
        edit("placement-file-bad", "brownian", f"placement = \"file\", file = {what}",
             lambda d, p=path: file_deck(d, p))
    edit("placement-file-bad", "brownian", "placement = \"file\" without particles.file",
         lambda d: [d.set("particles", "placement", '"file"'), d.delete("particles", "count")])
    box = "[13.436769531060058, 13.436769531060058, 13.436769531060058]"
    edit("placement-file-bad", "lj", "particles.count = 100, but the file holds 2048",
         lambda d: file_deck(d, '"../../data/lammps_lj/initial.h5"', "100", box))
    edit("placement-file-bad", "lj", "system.box differs from the file's box",
         lambda d: file_deck(d, '"../../data/lammps_lj/initial.h5"', None, "[13.0, 13.0, 13.0]"))
    edit("placement-file-bad", "brownian", "placement = \"file\" with system.density and no particles.count",
         lambda d: [file_deck(d, '"../../data/lammps_lj/initial.h5"'), d.delete("system", "box"),
                    d.set("system", "density", "0.8442")])
    edit("placement-file-bad", "brownian", "particles.file = 5 (a number, not a path) with uniform placement",
         lambda d: d.set("particles", "file", "5"))


# --- run.walltime ---------------------------------------------------------------

def gen_walltime():
    bad = ["25 hours", "00:00:00", "12:60:00", "12:00:60", "-1:00:00", "12:00", "12:00:00:00", "ab:cd:ef",
           "NONE", "12:00:00x", " 12:00:00", "+1:00:00", "1:00:00.5", "100000:00:00", "12:5:00",
           "12\uff1a00\uff1a00", "99999999999:00:00", "1193046:28:16", "12:00:00\\n", "\\t1:00:00"]
    for v in bad:
        edit("bad-walltime", "brownian", f"run.walltime = \"{v}\"", lambda d, v=v: d.set("run", "walltime", f'"{v}"'))
    for v in ['""', "3600", '["12:00:00"]']:
        edit("bad-walltime", "brownian", f"run.walltime = {v}", lambda d, v=v: d.set("run", "walltime", v))


# --- TOML syntax ------------------------------------------------------------------

def gen_syntax():
    cases = [
        ("brownian", "propagator", "type", '"brownian', "unterminated basic string"),
        ("brownian", "propagator", "type", "'brownian", "unterminated literal string"),
        ("brownian", "output", "dir", '"""output', "unterminated multi-line string"),
        ("brownian", "output", "dir", "'''output", "unterminated multi-line literal string"),
        ("brownian", "system", "box", "[6.0, 6.0, 6.0", "unterminated array"),
        ("mixture", "interaction", "pairs", '[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8', "unterminated inline table"),
        ("lj", "run", "steps", "", "key without a value"),
        ("lj", "particles", "count", "= 108", "double '='"),
        ("brownian", "particles", "count", "200 x", "stray word after a value"),
        ("brownian", "system", "box", "[6.0, 6.0, 6.0]]", "extra ']'"),
        ("brownian", "run", "timestep", "0.01;", "stray ';'"),
        ("ballistic", "output", "dir", '"a\\qb"', "invalid escape \\q"),
        ("ballistic", "output", "dir", '"\\uZZZZ"', "invalid \\u escape"),
        ("ballistic", "output", "dir", '"\\uD800"', "\\u escape of a surrogate"),
        ("ballistic", "output", "dir", '"\\U00110000"', "\\U escape beyond U+10FFFF"),
        ("lj", "run", "steps", "010", "integer with a leading zero"),
        ("brownian", "particles", "count", "2__00", "double underscore in an integer"),
        ("brownian", "particles", "count", "200_", "trailing underscore"),
        ("brownian", "particles", "count", "_200", "leading underscore (a bare key, not a value)"),
        ("brownian", "run", "timestep", ".01", "float without a leading digit"),
        ("brownian", "run", "timestep", "1.", "float without a fraction digit"),
        ("brownian", "run", "timestep", "1e", "float with an empty exponent"),
        ("brownian", "run", "timestep", "0.0.1", "two decimal points"),
        ("brownian", "run", "timestep", "0x1p-3", "hexadecimal float"),
        ("brownian", "propagator", "type", "brownian", "unquoted string"),
        ("lj", "interaction", "shift", "True", "capitalized boolean"),
        ("mixture", "interaction", "pairs", '[{ species = ["A", "B"], epsilon = 1.5, sigma = 0.8, }]',
         "trailing comma in an inline table"),
        ("brownian", "system", "box", "[6.0 6.0 6.0]", "array without commas"),
        ("brownian", "system", "box", "[6.0,, 6.0, 6.0]", "double comma in an array"),
        ("brownian", "run", "steps", "-0x1", "signed hexadecimal integer"),
        ("brownian", "run", "steps", "1979-13-45", "invalid date"),
        ("brownian", "particles", "count", "\uff12\uff10\uff10", "fullwidth digits"),
        ("lj", "run", "steps", "5 5", "two values"),
    ]
    for seed, sec, key, v, what in cases:
        edit("syntax-error", seed, f"{what}: {sec}.{key} = {v}", lambda d, s=sec, k=key, v=v: d.set(s, k, v), SYNTAX)
    raw_lines = [("brownian", "run", "steps 10", "missing '='"), ("brownian", "run", "= 10", "line starts with '='"),
                 ("lj", "run", "run steps = 10", "space in a bare key"), ("brownian", "output", "@@@", "stray characters"),
                 ("brownian", "output", "}", "stray '}'"), ("brownian", "output", "]]", "stray ']]'"),
                 ("brownian", "run", "run. = 10", "dotted key ending in a dot"),
                 ("brownian", "run", '"steps = 10', "unterminated quoted key"),
                 ("lj", "system", "[run", "unclosed table header"), ("lj", "system", "[run] x", "garbage after a header"),
                 ("lj", "system", "[]", "empty table header"), ("lj", "system", "[run..x]", "empty key in a header")]
    for seed, sec, line, what in raw_lines:
        edit("syntax-error", seed, f"{what}: line '{line}' in [{sec}]",
             lambda d, s=sec, l=line: d.add(s, None, l), SYNTAX)
    # An inline table broken over lines (TOML 1.0 allows no newline inside { }).
    edit("syntax-error", "mixture", "newline inside an inline table",
         lambda d: d.set("interaction", "pairs", '[{ species = ["A", "B"],\n  epsilon = 1.5, sigma = 0.8 }]'), ANY)
    # A bare carriage return as a line ending.
    text = seed_text("lj").replace("[particles]\n", "[particles]\r", 1)
    emit("syntax-error", "bare carriage return ending the [particles] line (seed lj)", text, SYNTAX)


def gen_truncations(n=20):
    for i in range(n):
        seed = SEED_NAMES[i % len(SEED_NAMES)]
        text = seed_text(seed).encode()
        last = text.rstrip(b"\n").rsplit(b"\n", 1)[1]
        assert last.startswith(b"timestep = "), seed
        end = len(text.rstrip(b"\n"))  # just past the last required value
        cut = RNG.randrange(0, end)    # keeps at most all but its last character
        kept = text[:cut]
        assert not kept.endswith(last), (seed, cut)
        try:  # still TOML: then run.timestep must be gone or 0 (a timestep must be > 0)
            run = tomllib.loads(kept.decode()).get("run", {})
            assert run.get("timestep", 0) == 0, (seed, cut, run)
        except tomllib.TOMLDecodeError:
            pass
        emit("truncated", f"seed {seed} cut after {cut} of {len(text)} bytes", kept, ANY)


# --- encoding and garbage ---------------------------------------------------------------

BAD_UTF8 = [(b"\xff", "byte 0xff"), (b"\xfe\xfe", "bytes 0xfe 0xfe"), (b"\xc3\x28", "broken 2-byte sequence"),
            (b"\xe2\x82", "truncated 3-byte sequence"), (b"\xed\xa0\x80", "UTF-8-encoded surrogate"),
            (b"\xc0\xaf", "overlong '/'"), (b"\xf8\x88\x80\x80\x80", "5-byte sequence"),
            (b"\x80", "lone continuation byte"), (b"\xf4\x90\x80\x80", "code point beyond U+10FFFF")]


def gen_encoding():
    places = [("in a string value", b'"brownian"', lambda b: b'"brown' + b + b'ian"'),
              ("in a comment", b"[run]\n", lambda b: b"[run]\n# note " + b + b"\n"),
              ("in a key", b"steps = 10", lambda b: b"st" + b + b"eps = 10"),
              ("in a table header", b"[output]", lambda b: b"[out" + b + b"put]"),
              ("at the start of a line", b"[run]\n", lambda b: b"[run]\n" + b + b"\n")]
    for i, (bad, what) in enumerate(BAD_UTF8):
        for j in (0, 1) if i < 5 else (i % len(places),):
            where, anchor, make = places[(i + j * 2) % len(places)]
            text = seed_text("brownian").encode()
            assert anchor in text
            text = text.replace(anchor, make(bad), 1)
            emit("invalid-utf8", f"{what} {where} (seed brownian)", text, SYNTAX)
    u16 = seed_text("lj").encode("utf-16")  # with a BOM
    emit("utf16", "seed lj encoded as UTF-16 with BOM", u16, SYNTAX, header=False)
    emit("utf16", "seed lj encoded as UTF-16-LE without BOM", seed_text("lj").encode("utf-16-le"), SYNTAX, header=False)
    # NUL bytes.
    text = seed_text("brownian").encode()
    for pos_desc, data in [("at the start", b"\x00" + text), ("at the end", text + b"\x00"),
                           ("in a value", text.replace(b"count = 200", b"count = 2\x0000")),
                           ("in a comment", text.replace(b"[run]\n", b"[run] # a\x00b\n")),
                           ("in a string", text.replace(b'"brownian"', b'"brown\x00ian"'))]:
        emit("nul-byte", f"NUL byte {pos_desc} (seed brownian)", data, SYNTAX, header=pos_desc != "at the start")
    emit("nul-byte", "1024 NUL bytes", b"\x00" * 1024, SYNTAX, header=False)
    # Bytes of the deck replaced by control characters (invalid anywhere in TOML but TAB/LF/CR).
    controls = bytes(c for c in range(32) if c not in (9, 10, 13)) + b"\x7f"
    for i in range(6):
        seed = SEED_NAMES[i % len(SEED_NAMES)]
        data = bytearray(seed_text(seed).encode())
        picks = sorted(RNG.sample(range(len(data)), 1 + i % 3))
        for p in picks:
            data[p] = RNG.choice(controls)
        emit("control-chars", f"{len(picks)} byte(s) at {picks} of seed {seed} replaced by control characters",
             bytes(data), SYNTAX)
    # Binary garbage.
    for i, n in enumerate([64, 512, 4096]):
        data = bytes(RNG.randrange(256) for _ in range(n))
        if b"\x00" not in data:
            data = data[:n // 2] + b"\x00" + data[n // 2:]  # a NUL makes sure it is not TOML
        emit("binary-garbage", f"{n} random bytes", data, SYNTAX, header=False)
    emit("binary-garbage", "random bytes after the manifest", bytes(RNG.randrange(128, 256) for _ in range(300)), SYNTAX)
    emit("binary-garbage", "a PNG header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), SYNTAX, header=False)
    emit("binary-garbage", "an HDF5 superblock", b"\x89HDF\r\n\x1a\n" + bytes(range(64)), SYNTAX, header=False)
    emit("binary-garbage", "a gzip header", b"\x1f\x8b\x08\x00" + bytes(range(40)), SYNTAX, header=False)


def gen_empty():
    emit("empty", "empty file", b"", PARSES, header=False)
    emit("empty", "UTF-8 BOM only", b"\xef\xbb\xbf", ANY, header=False)
    emit("empty", "whitespace and newlines only", b"\n\n   \t\n\n", PARSES, header=False)
    emit("empty", "the manifest comment only", b"", PARSES)
    emit("empty", "comments only", b"# [run]\n# steps = 10\n", PARSES)
    emit("empty", "section headers only", b"[system]\n[particles]\n[propagator]\n[run]\n", PARSES)
    emit("empty", "seed brownian, every line commented out",
         "".join("# " + l + "\n" for l in seed_text("brownian").splitlines()), PARSES)


# --- size: long lines, long keys, deep nesting ----------------------------------------------

def gen_huge():
    n = 65536
    edit("long-key", "brownian", f"a key of {n} characters in [run]", lambda d: d.set("run", "k" * n, "1"))
    edit("long-key", "lj", f"a quoted key of {n} characters in [particles]",
         lambda d: d.set("particles", '"' + "q" * n + '"', "1"))
    def long_section(d):
        d.rows.insert(1, ["s" * n, [["x", "1"]]])
    edit("long-section", "brownian", f"a section name of {n} characters", long_section)
    edit("long-value", "brownian", f"propagator.type a string of {n} characters",
         lambda d: d.set("propagator", "type", '"' + "brownian" * (n // 8) + '"'))
    edit("long-value", "brownian", f"run.walltime a string of {n} characters",
         lambda d: d.set("run", "walltime", '"' + "1" * n + '"'))
    edit("long-value", "brownian", "output.dir of 8192 characters plus an unknown key",
         lambda d: [d.set("output", "dir", '"' + "d" * 8192 + '"'), d.set("output", "dirr", '"x"')])
    edit("long-value", "lj", "run.steps an integer of 5000 digits", lambda d: d.set("run", "steps", "9" * 5000), ANY)
    edit("long-value", "brownian", "a float of 2000 digits", lambda d: d.set("run", "timestep", "0." + "0" * 2000 + "1"), ANY)
    edit("long-array", "brownian", "system.box with 4000 elements",
         lambda d: d.set("system", "box", "[" + ", ".join(["6.0"] * 4000) + "]"))
    edit("long-array", "mixture", "species.mass with 2000 elements",
         lambda d: d.set("species", "mass", "[" + ", ".join(["1.0"] * 2000) + "]"))
    edit("long-line", "brownian", f"{n} spaces then a stray word on one line",
         lambda d: d.add("output", None, " " * n + "x"), SYNTAX)
    text = seed_text("brownian").replace("steps = 10\n", "", 1)
    emit("long-line", "a 70000-character comment, and run.steps removed (seed brownian)",
         "#" + "c" * 70000 + "\n" + text, PARSES)
    # Deep nesting.
    for depth in (300, 2000):
        edit("deep-nesting", "brownian", f"system.box an array nested {depth} deep",
             lambda d, k=depth: d.set("system", "box", "[" * k + "6.0" + "]" * k), ANY)
        edit("deep-nesting", "brownian", f"output.dir an inline table nested {depth} deep",
             lambda d, k=depth: d.set("output", "dir", "{ a = " * k + "1" + " }" * k), ANY)
    edit("deep-nesting", "brownian", "system.box an array nested 100 deep",
         lambda d: d.set("system", "box", "[" * 100 + "6.0, 6.0, 6.0" + "]" * 100))
    edit("deep-nesting", "lj", "a dotted key with 1000 parts in [run]",
         lambda d: d.set("run", ".".join(["a"] * 1000), "1"), ANY)
    def deep_header(d):
        d.rows.insert(1, [".".join(["t"] * 1000), [["x", "1"]]])
    edit("deep-nesting", "lj", "a table header with 1000 parts", deep_header, ANY)


def main():
    gen_unknown_keys()
    gen_unknown_sections()
    gen_section_not_table()
    gen_wrong_types()
    gen_out_of_range()
    gen_enums()
    gen_missing()
    gen_duplicates()
    gen_combos()
    gen_decomposition()
    gen_files()
    gen_walltime()
    gen_syntax()
    gen_truncations()
    gen_encoding()
    gen_empty()
    gen_huge()
    assert len(DECKS) >= MIN_DECKS, len(DECKS)

    os.makedirs(SEED_DIR, exist_ok=True)
    for name in SEED_NAMES:
        with open(os.path.join(SEED_DIR, name + ".toml"), "w") as f:
            f.write(f"# Fuzz seed '{name}': valid; tests/fuzz/make_corpus.py mutates it. Generated, do not edit.\n")
            f.write(seed_text(name))
    shutil.rmtree(CORPUS_DIR, ignore_errors=True)
    os.makedirs(CORPUS_DIR)
    width = max(3, len(str(len(DECKS) - 1)))
    for i, (kind, _, data) in enumerate(DECKS):
        with open(os.path.join(CORPUS_DIR, f"{i:0{width}d}-{kind}.toml"), "wb") as f:
            f.write(data)
    if "-v" in sys.argv:
        for kind in sorted(KINDS):
            print(f"{sum(k == kind for k, _, _ in DECKS):4d} {kind}")
    size = sum(len(d) for _, _, d in DECKS)
    print(f"{len(DECKS)} decks of {len(KINDS)} mutation kinds ({size / 1e6:.1f} MB) in "
          f"{os.path.relpath(CORPUS_DIR)}; seeds in {os.path.relpath(SEED_DIR)}")


if __name__ == "__main__":
    sys.exit(main())
