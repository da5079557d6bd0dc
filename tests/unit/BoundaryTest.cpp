#include <gtest/gtest.h>

#include "kernels/Boundary.hpp"

using namespace strata;

TEST(Boundary, PeriodicWrapKeepsUnwrappedPositionAndCountsImages) {
  const double L = 10.0;
  const double cases[] = {-0.5, 0.0, 3.0, 9.999, 10.0, 10.5, 25.0, -25.0, -1e-17, 1e6 + 0.25, -1e6 - 0.25};
  for (double x0 : cases) {
    double x = x0;
    int image = 3;
    wrap_periodic(x, image, L);
    EXPECT_GE(x, 0.0) << x0;
    EXPECT_LT(x, L) << x0;
    EXPECT_NEAR(x + (image - 3) * L, x0, 1e-9 * (1.0 + std::abs(x0))) << x0;
  }
}

TEST(Boundary, PeriodicWrapOfOneCrossingIsExact) {
  double x = 10.25;
  int image = 0;
  wrap_periodic(x, image, 10.0);
  EXPECT_EQ(x, 0.25);
  EXPECT_EQ(image, 1);
}

TEST(Boundary, ReflectionMirrorsPositionAndFlipsVelocityPerWallHit) {
  const double L = 4.0;
  struct Case {
    double x, want_x, want_sign;
  } cases[] = {{-1.0, 1.0, -1}, {5.0, 3.0, -1}, {9.0, 1.0, 1}, {-5.0, 3.0, 1}, {2.0, 2.0, 1}, {4.0, 4.0, 1}, {0.0, 0.0, 1}};
  for (const auto& c : cases) {
    double x = c.x, v = 1.5;
    reflect(x, v, L);
    EXPECT_DOUBLE_EQ(x, c.want_x) << c.x;
    EXPECT_DOUBLE_EQ(v, 1.5 * c.want_sign) << c.x;
  }
}
