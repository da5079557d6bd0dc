#pragma once
// The arithmetic of the pair kernel (interaction.precision).
//   Double: everything in double.
//   Mixed:  the pair's force/r and energy in float (the division and the
//           potential's powers or exponentials, where the time goes), from
//           r^2 computed in double and rounded once; the cutoff test, the
//           products with the separation, every sum, the reactions and the
//           integration stay double (as LAMMPS INTEL's mixed mode). The pairs
//           that interact are the same as in double; each pair's force
//           carries a relative error of about 1e-7.
namespace strata {

enum class PairPrecision { Double, Mixed };

}  // namespace strata
