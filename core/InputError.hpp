#pragma once
// Errors a user can cause (bad deck, bad flag, missing file, impossible
// decomposition). main() catches these on every rank, rank 0 prints the one
// line below, and the process exits with status 2.
#include <stdexcept>
#include <string>

namespace strata {

class InputError : public std::runtime_error {
 public:
  // where: a file path, "--set", "command line"...; line 0 means "no line".
  InputError(std::string where, int line, std::string what, std::string expected)
      : std::runtime_error(format(where, line, what, expected)),
        where_(std::move(where)), line_(line), what_(std::move(what)), expected_(std::move(expected)) {}

  const std::string& where() const { return where_; }
  int line() const { return line_; }
  const std::string& problem() const { return what_; }
  const std::string& expected() const { return expected_; }

  // "<where>:<line>: <what> (expected <expected>)"
  static std::string format(const std::string& where, int line, const std::string& what,
                            const std::string& expected) {
    std::string s = where;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": " + what;
    if (!expected.empty()) s += " (expected " + expected + ")";
    return s;
  }

 private:
  std::string where_;
  int line_;
  std::string what_;
  std::string expected_;
};

}  // namespace strata
