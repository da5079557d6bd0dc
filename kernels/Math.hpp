#pragma once
// Device-callable math functions under one name for every Kokkos we support:
// Kokkos 3.4 (Debian) has them in Kokkos::Experimental, Kokkos >= 3.7 in Kokkos::.
#include <Kokkos_Core.hpp>

namespace strata::math {
#if KOKKOS_VERSION >= 30700
using Kokkos::cos;
using Kokkos::exp;
using Kokkos::floor;
using Kokkos::fmod;
using Kokkos::log;
using Kokkos::sin;
using Kokkos::sqrt;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::floor;
using Kokkos::Experimental::fmod;
using Kokkos::Experimental::log;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
#endif
}  // namespace strata::math
