#include "src/Interactions.hpp"

#include <algorithm>
#include <cmath>

namespace strata {

PairTable make_pair_table(const Config& cfg) {
  const auto& sp = cfg.species;
  const auto& ia = cfg.interaction;
  PairTable t{};
  t.count = static_cast<int>(sp.names.size());
  if (ia.kind == InteractionKind::None) return t;  // all cutoffs 0: no pair interacts
  for (int a = 0; a < t.count; ++a)
    for (int b = a; b < t.count; ++b) {
      const double eps = std::sqrt(sp.epsilon[a] * sp.epsilon[b]);
      const double sigma = ia.mixing == Mixing::LorentzBerthelot ? 0.5 * (sp.sigma[a] + sp.sigma[b])
                                                                 : std::sqrt(sp.sigma[a] * sp.sigma[b]);
      t.set(a, b, eps, sigma, ia.cutoff, ia.shift);
    }
  for (const PairCoefficients& p : ia.pairs)
    t.set(p.a, p.b, p.epsilon, p.sigma, p.cutoff > 0 ? p.cutoff : ia.cutoff, ia.shift);
  // set() keeps a running maximum; recompute from the final table since an
  // explicit pair may have shortened a mixed one.
  t.max_cutoff = 0.0;
  for (int a = 0; a < t.count; ++a)
    for (int b = 0; b < t.count; ++b) t.max_cutoff = std::max(t.max_cutoff, std::sqrt(t.cutsq[a][b]));
  return t;
}

double max_cutoff(const Config& cfg) {
  if (cfg.interaction.kind == InteractionKind::None) return 0.0;
  return make_pair_table(cfg).max_cutoff;
}

}  // namespace strata
