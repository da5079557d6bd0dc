#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/Random.hpp"

using namespace strata;

// Known-answer test from the Random123 distribution (kat_vectors):
// philox4x32_10 with zero, all-ones and pi-digit counters and keys.
TEST(Random, PhiloxMatchesPublishedKnownAnswers) {
  Philox4x32 zero = philox4x32_10(Philox4x32{{0, 0, 0, 0}}, 0, 0);
  EXPECT_EQ(zero.v[0], 0x6627e8d5u);
  EXPECT_EQ(zero.v[1], 0xe169c58du);
  EXPECT_EQ(zero.v[2], 0xbc57ac4cu);
  EXPECT_EQ(zero.v[3], 0x9b00dbd8u);
  Philox4x32 ones = philox4x32_10(Philox4x32{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu,
                                  0xffffffffu);
  EXPECT_EQ(ones.v[0], 0x408f276du);
  EXPECT_EQ(ones.v[1], 0x41c83b0eu);
  EXPECT_EQ(ones.v[2], 0xa20bc7c6u);
  EXPECT_EQ(ones.v[3], 0x6d5451fdu);
  Philox4x32 pi = philox4x32_10(Philox4x32{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u,
                                0x299f31d0u);
  EXPECT_EQ(pi.v[0], 0xd16cfe09u);
  EXPECT_EQ(pi.v[1], 0x94fdccebu);
  EXPECT_EQ(pi.v[2], 0x5001e420u);
  EXPECT_EQ(pi.v[3], 0x24126ea1u);
}

TEST(Random, DrawsArePureFunctionsOfSeedIdStepStream) {
  auto a = random_words(7, 12345, 99, RngStream::Brownian);
  auto b = random_words(7, 12345, 99, RngStream::Brownian);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(a.v[k], b.v[k]);
  // Changing any one key component changes the draw.
  auto differs = [&](Philox4x32 c) {
    for (int k = 0; k < 4; ++k)
      if (c.v[k] != a.v[k]) return true;
    return false;
  };
  EXPECT_TRUE(differs(random_words(8, 12345, 99, RngStream::Brownian)));
  EXPECT_TRUE(differs(random_words(7, 12346, 99, RngStream::Brownian)));
  EXPECT_TRUE(differs(random_words(7, 12345, 100, RngStream::Brownian)));
  EXPECT_TRUE(differs(random_words(7, 12345, 99, RngStream::Langevin)));
  EXPECT_TRUE(differs(random_words(7, std::uint64_t(12345) + (std::uint64_t(1) << 32), 99, RngStream::Brownian)));
}

TEST(Random, NormalsHaveUnitVarianceAndNoCorrelation) {
  const int n = 400000;
  double sum[3] = {0, 0, 0}, sq[3] = {0, 0, 0}, cross01 = 0, cross02 = 0, fourth = 0;
  for (int i = 0; i < n; ++i) {
    double x[3];
    normal3(random_words(2026, static_cast<std::uint64_t>(i), 17, RngStream::Brownian), x[0], x[1], x[2]);
    for (int d = 0; d < 3; ++d) {
      sum[d] += x[d];
      sq[d] += x[d] * x[d];
    }
    cross01 += x[0] * x[1];
    cross02 += x[0] * x[2];
    fourth += x[0] * x[0] * x[0] * x[0];
  }
  // 5-sigma bounds for n samples: mean 5/sqrt(n), variance 5*sqrt(2/n).
  const double tol_mean = 5.0 / std::sqrt(double(n)), tol_var = 5.0 * std::sqrt(2.0 / n);
  for (int d = 0; d < 3; ++d) {
    EXPECT_NEAR(sum[d] / n, 0.0, tol_mean);
    EXPECT_NEAR(sq[d] / n, 1.0, tol_var);
  }
  EXPECT_NEAR(cross01 / n, 0.0, tol_mean);
  EXPECT_NEAR(cross02 / n, 0.0, tol_mean);
  EXPECT_NEAR(fourth / n, 3.0, 5.0 * std::sqrt(96.0 / n));  // Gaussian kurtosis
}

TEST(Random, UniformOpenNeverHitsZeroOrOne) {
  EXPECT_GT(uniform_open(0u), 0.0);
  EXPECT_LT(uniform_open(0xffffffffu), 1.0);
}
