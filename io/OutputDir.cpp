#include "io/OutputDir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/InputError.hpp"

namespace strata {

namespace fs = std::filesystem;

const std::vector<std::string>& result_names() {
  static const std::vector<std::string> names = {"thermo.csv", "final.h5", "final.h5.tmp", "summary.json",
                                                 "trajectory.h5", "trajectory.xmf", "checkpoints", "log.txt", "status.json"};
  return names;
}

void check_writable_dir(const std::string& dir, const std::string& where, int line) {
  const std::string probe = (fs::path(dir) / ".strata-write-probe").string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw InputError(where, line, "output directory '" + dir + "' is not writable: " + std::strerror(errno),
                     "a writable directory");
  ::close(fd);
  ::unlink(probe.c_str());
}

std::string write_failure_note(const std::string& dir, double needed) {
  std::string note;
  std::error_code ec;
  const auto space = fs::space(dir, ec);
  if (!ec && static_cast<double>(space.available) < needed) {
    char text[64];
    std::snprintf(text, sizeof text, "%.1f MB free", static_cast<double>(space.available) / 1e6);
    note += "; the file system of " + dir + " is full (" + text + ")";
  }
  return note;
}

void prepare_output_dir(const std::string& dir, bool overwrite, const std::string& where, int line) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(where, line, "output path '" + dir + "' exists and is not a directory", "a directory path");
  for (const auto& name : result_names()) {
    const fs::path p = fs::path(dir) / name;
    if (!fs::exists(p, ec)) continue;
    if (!overwrite)
      throw InputError(where, line, "output directory '" + dir + "' already holds results (" + name + ")",
                       "a new or empty directory, or --overwrite");
    fs::remove_all(p, ec);
    if (ec) throw InputError(where, line, "cannot remove old '" + p.string() + "': " + ec.message(), "a writable directory");
  }
  fs::create_directories(dir, ec);
  if (ec) throw InputError(where, line, "cannot create output directory '" + dir + "': " + ec.message(),
                           "a writable path");
  check_writable_dir(dir, where, line);
}

}  // namespace strata
