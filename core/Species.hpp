#pragma once
// How many species a run may have: per-species tables (masses, pair
// coefficients) are fixed-size arrays passed into kernels by value.
namespace strata {

constexpr int kMaxSpecies = 8;

}  // namespace strata
