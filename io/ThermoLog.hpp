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
  // keeps the rows up to and including resume_step, drops the rows an
  // interrupted run wrote after it (replacing the file atomically), and
  // appends from there, so the result equals an uninterrupted run's file.
  ThermoLog(const std::string& path, std::vector<std::string> columns, bool active, std::int64_t resume_step = -1);
  void write_row(const std::vector<double>& values);
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  std::vector<std::string> columns_;
  std::ofstream out_;
  bool active_;
};

}  // namespace strata
