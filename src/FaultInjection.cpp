#include "src/FaultInjection.hpp"

#include <hdf5.h>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

namespace strata {

namespace {

struct Fault {
  bool armed = false;
  int rank = -1;
  std::int64_t step = -1;
  std::string kind, at = "step";
};

Fault& fault() {
  static Fault f;
  return f;
}

}  // namespace

void arm_fault_injection(int rank) {
  const char* env = std::getenv("STRATA_FAULT_INJECT");
  if (!env || !*env) return;
  Fault f;
  std::istringstream in(env);
  std::string item;
  auto bad = [&](const std::string& why) {
    return std::runtime_error(std::string("STRATA_FAULT_INJECT=\"") + env + "\": " + why +
                              " (expected rank=R,step=S,kind=throw|open|segv|kill|usr1|hang[,at=step|checkpoint])");
  };
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw bad("'" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    try {
      if (key == "rank")
        f.rank = std::stoi(value);
      else if (key == "step")
        f.step = std::stoll(value);
      else if (key == "kind")
        f.kind = value;
      else if (key == "at")
        f.at = value;
      else
        throw bad("unknown key '" + key + "'");
    } catch (const std::logic_error&) {
      throw bad("'" + value + "' is not a number");
    }
  }
  if (f.rank < 0 || f.step < 0) throw bad("rank and step are required");
  if (f.kind != "throw" && f.kind != "open" && f.kind != "segv" && f.kind != "kill" && f.kind != "usr1" &&
      f.kind != "hang")
    throw bad("unknown kind");
  if (f.at != "step" && f.at != "checkpoint") throw bad("unknown place");
  f.armed = f.rank == rank;
  fault() = f;
}

void fault_point(const char* at, std::int64_t step) {
  const Fault& f = fault();
  if (!f.armed || step != f.step || f.at != at) return;
  if (f.kind == "throw") throw std::runtime_error("injected fault at step " + std::to_string(step));
  if (f.kind == "open") {
    // A real failed open, exactly as a missing or unreadable file fails.
    const std::string path = "strata-fault-injection/no-such-file.h5";
    hid_t file = -1;
    H5E_BEGIN_TRY { file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
    H5E_END_TRY;
    if (file >= 0) H5Fclose(file);
    throw std::runtime_error("cannot open " + path + " (HDF5 H5Fopen failed)");
  }
  if (f.kind == "segv") std::raise(SIGSEGV);
  if (f.kind == "kill") std::raise(SIGKILL);
  if (f.kind == "usr1") std::raise(SIGUSR1);  // a scheduler's stop warning, at exactly this step
  if (f.kind == "hang")
    for (;;) pause();  // a rank that never comes back (signals are still handled)
}

}  // namespace strata
