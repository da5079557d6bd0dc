#pragma once
// A run-time failure that every rank detects together (e.g. a global particle
// count mismatch found by an Allreduce). main() prints it once from rank 0
// and every rank exits 1 in step. Anything else thrown at run time may have
// hit one rank only, so main() aborts the whole job instead of waiting.
#include <stdexcept>
#include <string>

namespace strata {

class CollectiveFailure : public std::runtime_error {
 public:
  explicit CollectiveFailure(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace strata
