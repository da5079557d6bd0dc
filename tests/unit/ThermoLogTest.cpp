// thermo.csv across a resume: ThermoLog resumed at a checkpoint's step (via
// truncate_thermo_csv) must reproduce, byte for byte, the log of an
// uninterrupted run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/ThermoLog.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kColumns{"step", "time", "particles", "kinetic_energy", "msd"};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows for steps first, first + 100, ..., last: values with long mantissas.
void write_rows(ThermoLog& log, std::int64_t first, std::int64_t last) {
  for (std::int64_t step = first; step <= last; step += 100) {
    const double t = 0.001 * static_cast<double>(step);
    log.write_row({static_cast<double>(step), t, 1000.0, 1.5 + t / 3.0, t * t / 7.0});
  }
}

class ThermoLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata_thermo_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // The log of a run that went from 0 to `last` without stopping.
  std::string uninterrupted(std::int64_t last) {
    const std::string p = path("straight_" + std::to_string(last) + ".csv");
    {
      ThermoLog log(p, kColumns, true);
      write_rows(log, 0, last);
    }
    return slurp(p);
  }

  fs::path dir_;
};

TEST_F(ThermoLogTest, TruncateKeepsTheHeaderAndTheRowsUpToTheStep) {
  const std::string p = path("thermo.csv");
  {
    ThermoLog log(p, kColumns, true);
    write_rows(log, 0, 500);
  }
  truncate_thermo_csv(p, 300);
  EXPECT_EQ(slurp(p), uninterrupted(300));
  EXPECT_FALSE(fs::exists(p + ".tmp"));
  truncate_thermo_csv(p, 250);  // between rows: 300 goes too
  EXPECT_EQ(slurp(p), uninterrupted(200));
}

TEST_F(ThermoLogTest, ResumedLogEqualsAnUninterruptedOne) {
  const std::string p = path("thermo.csv");
  {
    ThermoLog log(p, kColumns, true);
    write_rows(log, 0, 400);
  }
  // Killed while writing the row of step 500, one digit in: a "5" that must
  // not pass for the row of step 5.
  std::ofstream(p, std::ios::app) << "5";
  {
    ThermoLog log(p, kColumns, true, 200);  // the checkpoint was at step 200
    write_rows(log, 300, 600);
  }
  EXPECT_EQ(slurp(p), uninterrupted(600));
}

TEST_F(ThermoLogTest, ResumingWithoutALogStartsItWithTheHeader) {
  const std::string p = path("new.csv");
  truncate_thermo_csv(p, 100);
  EXPECT_FALSE(fs::exists(p)) << "truncating a missing file must not create it";
  {
    ThermoLog log(p, kColumns, true, 200);
    write_rows(log, 0, 300);
  }
  EXPECT_EQ(slurp(p), uninterrupted(300));
}

TEST_F(ThermoLogTest, ResumeRefusesALogWithOtherColumnsAndLeavesItAlone) {
  const std::string p = path("other.csv");
  std::ofstream(p) << "step,time,energy\n0,0,1\n900,9,1\n";
  EXPECT_THROW(ThermoLog(p, kColumns, true, 200), std::runtime_error);
  EXPECT_EQ(slurp(p), "step,time,energy\n0,0,1\n900,9,1\n");
}

TEST_F(ThermoLogTest, InactiveRanksTouchNothing) {
  const std::string p = path("rank1.csv");
  ThermoLog log(p, kColumns, false);
  write_rows(log, 0, 100);
  EXPECT_FALSE(fs::exists(p));
}

}  // namespace
}  // namespace strata
