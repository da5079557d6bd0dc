#include "io/ThermoLog.hpp"

#include <cstdio>
#include <stdexcept>

namespace strata {

ThermoLog::ThermoLog(const std::string& path, std::vector<std::string> columns, bool active)
    : columns_(std::move(columns)), active_(active) {
  if (!active_) return;
  out_.open(path, std::ios::out | std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot open " + path + " for writing");
  for (std::size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << columns_[i];
  out_ << '\n';
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
