#include "src/Interactions.hpp"

#include <algorithm>
#include <cmath>

namespace strata {

namespace {

// The explicit element for species a <= b, or nullptr.
const PairCoefficients* explicit_pair(const Config& cfg, int a, int b) {
  for (const PairCoefficients& p : cfg.interaction.pairs)
    if (p.a == std::min(a, b) && p.b == std::max(a, b)) return &p;
  return nullptr;
}

double mixed_sigma(const Config& cfg, int a, int b) {
  const auto& sp = cfg.species;
  return cfg.interaction.mixing == Mixing::LorentzBerthelot ? 0.5 * (sp.sigma[a] + sp.sigma[b])
                                                            : std::sqrt(sp.sigma[a] * sp.sigma[b]);
}

double cutoff_of(const Config& cfg, const PairCoefficients* p) {
  return p && p->cutoff > 0 ? p->cutoff : cfg.interaction.cutoff;
}

// epsilon, sigma and cutoff of pair (a, b) for lj and wca.
struct LjPair {
  double epsilon, sigma, cutoff;
};
LjPair lj_pair(const Config& cfg, int a, int b) {
  const PairCoefficients* p = explicit_pair(cfg, a, b);
  const double eps = p ? p->epsilon : std::sqrt(cfg.species.epsilon[a] * cfg.species.epsilon[b]);
  const double sigma = p ? p->sigma : mixed_sigma(cfg, a, b);
  // WCA: the LJ minimum, where the force is zero.
  const double rc = cfg.interaction.kind == InteractionKind::Wca ? std::pow(2.0, 1.0 / 6.0) * sigma : cutoff_of(cfg, p);
  return {eps, sigma, rc};
}

double amplitude_of(const Config& cfg, int a, int b, const PairCoefficients* p) {
  return p ? p->amplitude : std::sqrt(cfg.species.amplitude[a] * cfg.species.amplitude[b]);
}

template <class Potential, class PairParams>
PairTable<Potential> fill(const Config& cfg, PairParams pair_params) {
  PairTable<Potential> t{};
  t.count = static_cast<int>(cfg.species.names.size());
  for (int a = 0; a < t.count; ++a)
    for (int b = a; b < t.count; ++b) {
      double rc = 0.0;
      const typename Potential::Params c = pair_params(a, b, rc);
      t.set(a, b, c, rc, cfg.interaction.shift);
    }
  return t;
}

}  // namespace

PairTable<LennardJones> lennard_jones_table(const Config& cfg) {
  if (cfg.interaction.kind == InteractionKind::None) {  // all cutoffs 0: no pair interacts
    PairTable<LennardJones> t{};
    t.count = static_cast<int>(cfg.species.names.size());
    return t;
  }
  return fill<LennardJones>(cfg, [&](int a, int b, double& rc) {
    const LjPair p = lj_pair(cfg, a, b);
    rc = p.cutoff;
    return LennardJones::params(p.epsilon, p.sigma);
  });
}

PairTable<Morse> morse_table(const Config& cfg) {
  return fill<Morse>(cfg, [&](int a, int b, double& rc) {
    const PairCoefficients* p = explicit_pair(cfg, a, b);  // the deck requires every pair
    rc = cutoff_of(cfg, p);
    return p ? Morse::Params{p->d0, p->alpha, p->r0} : Morse::Params{0.0, 0.0, 0.0};
  });
}

PairTable<Yukawa> yukawa_table(const Config& cfg) {
  return fill<Yukawa>(cfg, [&](int a, int b, double& rc) {
    const PairCoefficients* p = explicit_pair(cfg, a, b);
    rc = cutoff_of(cfg, p);
    return Yukawa::Params{amplitude_of(cfg, a, b, p), cfg.interaction.kappa};
  });
}

PairTable<Soft> soft_table(const Config& cfg) {
  return fill<Soft>(cfg, [&](int a, int b, double& rc) {
    const PairCoefficients* p = explicit_pair(cfg, a, b);
    rc = cutoff_of(cfg, p);
    return Soft::params(amplitude_of(cfg, a, b, p), rc);
  });
}

std::unique_ptr<PairForce> make_pair_force(const Config& cfg) {
  const PairPrecision precision = cfg.interaction.precision;
  switch (cfg.interaction.kind) {
    case InteractionKind::Morse: return make_pair_force(morse_table(cfg), precision);
    case InteractionKind::Yukawa: return make_pair_force(yukawa_table(cfg), precision);
    case InteractionKind::Soft: return make_pair_force(soft_table(cfg), precision);
    case InteractionKind::None:
    case InteractionKind::LennardJones:
    case InteractionKind::Wca: break;
  }
  return make_pair_force(lennard_jones_table(cfg), precision);
}

double max_cutoff(const Config& cfg) {
  if (cfg.interaction.kind == InteractionKind::None) return 0.0;
  return make_pair_force(cfg)->max_cutoff();
}

PairTail pair_tail(const Config& cfg, const std::array<double, kMaxSpecies>& species_counts) {
  PairTail tail;
  if (!cfg.interaction.tail || cfg.interaction.kind != InteractionKind::LennardJones) return tail;
  const int ns = static_cast<int>(cfg.species.names.size());
  double energy = 0.0, virial = 0.0;
  for (int a = 0; a < ns; ++a)
    for (int b = 0; b < ns; ++b) {
      const LjPair p = lj_pair(cfg, a, b);
      const LennardJones::Params c = LennardJones::params(p.epsilon, p.sigma);
      const double nn = species_counts[a] * species_counts[b];
      energy += nn * LennardJones::tail_energy_integral(c, p.cutoff);
      virial += nn * LennardJones::tail_virial_integral(c, p.cutoff);
    }
  const auto& L = cfg.system.box;
  const double two_pi_over_v = 2.0 * 3.14159265358979323846 / (L[0] * L[1] * L[2]);
  tail.energy = two_pi_over_v * energy;
  tail.virial = -two_pi_over_v * virial;
  return tail;
}

double amplitude_factor(const Config& cfg, std::int64_t step) {
  const auto& ramp = cfg.interaction.amplitude_ramp;
  const double delta = cfg.run.steps > 0 ? static_cast<double>(step) / static_cast<double>(cfg.run.steps) : 0.0;
  return ramp[0] + delta * (ramp[1] - ramp[0]);
}

ExternalField external_field(const Config& cfg) {
  ExternalField field;
  const WallsConfig& w = cfg.walls;
  const WallKind kind = w.type == WallType::Harmonic ? WallKind::Harmonic : WallKind::LennardJones93;
  for (int d = 0; d < 3; ++d) {
    field.L[d] = cfg.system.box[d];
    field.energy_axis[d] = !cfg.system.periodic(d);
    for (int side = 0; side < 2; ++side)
      if (w.face[d][side]) field.wall[d][side] = wall_face(kind, w.epsilon, w.sigma, w.cutoff);
  }
  field.walls = w.any();
  const std::size_t ns = cfg.species.names.size();
  for (std::size_t s = 0; s < ns; ++s)
    for (int d = 0; d < 3; ++d)
      field.body_force[s][d] = cfg.species.mass[s] * cfg.field.gravity[d] +
                               (cfg.field.force.empty() ? 0.0 : cfg.field.force[3 * s + d]);
  field.body = cfg.field.any();
  return field;
}

const char* interaction_label(InteractionKind kind) {
  switch (kind) {
    case InteractionKind::None: return "no interaction";
    case InteractionKind::LennardJones: return "lennard-jones";
    case InteractionKind::Wca: return "wca";
    case InteractionKind::Morse: return "morse";
    case InteractionKind::Yukawa: return "yukawa";
    case InteractionKind::Soft: return "soft";
  }
  return "?";
}

}  // namespace strata
