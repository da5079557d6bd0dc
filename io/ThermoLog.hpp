#pragma once
// thermo.csv: one row per thermo step, written by rank 0 only and flushed
// per row, so a killed run leaves every completed row readable.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace strata {

class ThermoLog {
 public:
  // Opens (truncating) `path` and writes the header when `active` (rank 0);
  // does nothing on other ranks.
  ThermoLog(const std::string& path, std::vector<std::string> columns, bool active);
  void write_row(const std::vector<double>& values);
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::vector<std::string> columns_;
  std::ofstream out_;
  bool active_;
};

}  // namespace strata
