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
  // Opens `path` when `active` (rank 0); does nothing on other ranks. A new
  // run (resume_step < 0) truncates it and writes the header. A resumed run
  // keeps the rows up to and including resume_step (truncate_thermo_csv) and
  // appends from there, so the result equals an uninterrupted run's file; a
  // missing file is started with the header, one with other columns refused.
  ThermoLog(const std::string& path, std::vector<std::string> columns, bool active, std::int64_t resume_step = -1);
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
