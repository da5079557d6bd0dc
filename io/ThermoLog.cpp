#include "io/ThermoLog.hpp"

#include <cstdio>
#include <fstream>
#include <string>
#include <stdexcept>

namespace strata {

ThermoLog::ThermoLog(const std::string& path, std::vector<std::string> columns, bool active, std::int64_t resume_step)
    : columns_(std::move(columns)), active_(active) {
  if (!active_) return;
  std::string header;
  for (std::size_t i = 0; i < columns_.size(); ++i) header += (i ? "," : "") + columns_[i];
  std::ifstream old(path);
  if (resume_step >= 0 && old) {
    std::string line, kept;
    std::getline(old, line);
    if (line != header) throw std::runtime_error(path + " has other columns than this run writes; move it away");
    kept = line + "\n";
    while (std::getline(old, line)) {
      if (line.empty()) continue;
      // Rows are "step,...": keep those up to the checkpoint's step.
      if (std::stoll(line.substr(0, line.find(','))) <= resume_step) kept += line + "\n";
    }
    old.close();
    const std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::out | std::ios::trunc);
      out << kept;
      if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot replace " + path);
    out_.open(path, std::ios::out | std::ios::app);
  } else {
    out_.open(path, std::ios::out | std::ios::trunc);
    out_ << header << '\n';
  }
  if (!out_) throw std::runtime_error("cannot open " + path + " for writing");
  out_.flush();
}

void ThermoLog::write_row(const std::vector<double>& values) {
  if (!active_) return;
  char buf[64];
  for (std::size_t i = 0; i < values.size(); ++i) {
    // %.17g round-trips a double exactly; integral columns print as integers.
    std::snprintf(buf, sizeof buf, "%.17g", values[i]);
    out_ << (i ? "," : "") << buf;
  }
  out_ << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error("write to thermo.csv failed (disk full?)");
}

}  // namespace strata
