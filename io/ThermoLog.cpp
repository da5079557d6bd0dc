#include "io/ThermoLog.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <stdexcept>

namespace strata {

namespace {

std::string header_of(const std::vector<std::string>& columns) {
  std::string h;
  for (std::size_t i = 0; i < columns.size(); ++i) h += (i ? "," : "") + columns[i];
  return h;
}

}  // namespace

ThermoLog::ThermoLog(const std::string& path, std::vector<std::string> columns, bool active, std::int64_t resume_step)
    : columns_(std::move(columns)), active_(active) {
  if (!active_) return;
  const std::string header = header_of(columns_);
  bool has_header = false;
  if (resume_step >= 0) {
    {
      // Refused before anything is cut: the file may be another run's.
      std::ifstream in(path);
      std::string first;
      if (in && std::getline(in, first)) {
        if (first != header)
          throw std::runtime_error(path + " has other columns than this run writes ('" + first + "', not '" +
                                   header + "'); move it away");
        has_header = true;
      }
    }
    truncate_thermo_csv(path, resume_step);
  }
  out_.open(path, std::ios::out | (resume_step >= 0 ? std::ios::app : std::ios::trunc));
  if (!out_) throw std::runtime_error("cannot open " + path + " for writing");
  if (!has_header) out_ << header << '\n';
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

void truncate_thermo_csv(const std::string& path, std::int64_t step) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return;
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();

  std::string kept;
  std::size_t at = 0;
  bool header = true;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;  // no newline: a row cut off by a kill
    const std::string line = text.substr(at, end + 1 - at);
    at = end + 1;
    if (header) {
      kept += line;
      header = false;
      continue;
    }
    if (line == "\n") continue;
    // Steps are written with %.17g, so they parse exactly as doubles.
    const double row_step = std::strtod(line.c_str(), nullptr);
    if (row_step <= static_cast<double>(step)) kept += line;
  }

  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << kept;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(err));
  }
}

}  // namespace strata
