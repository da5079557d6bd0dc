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
  enum class Mode {
    Truncate,  // a new run: start the file afresh with the header
    Append,    // a resumed run: continue the file (after truncate_thermo_csv)
  };
  // Opens `path` and, when the file is new or empty, writes the header, when
  // `active` (rank 0); does nothing on other ranks. Append throws if the
  // existing header names other columns.
  ThermoLog(const std::string& path, std::vector<std::string> columns, bool active, Mode mode = Mode::Truncate);
  void write_row(const std::vector<double>& values);
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::vector<std::string> columns_;
  std::ofstream out_;
  bool active_;
};

// For a run resumed from a checkpoint at `step`: drops the rows of `path`
// whose step (first column) is > step, and a last row a killed run left
// without its newline, so the resumed run's rows follow on exactly as an
// uninterrupted run's would. The header stays. Replaces the file atomically
// (temporary + rename). A missing file is left missing. Call on one rank.
// Throws std::runtime_error naming the file if it cannot be read or written.
void truncate_thermo_csv(const std::string& path, std::int64_t step);

}  // namespace strata
