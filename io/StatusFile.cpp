#include "io/StatusFile.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace strata {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "null"; }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string status_json(const RunStatus& s) {
  std::string counts;
  for (std::size_t r = 0; r < s.rank_particles.size(); ++r) counts += (r ? ", " : "") + std::to_string(s.rank_particles[r]);
  const double pct = s.last_step > s.first_step
                         ? 100.0 * static_cast<double>(s.step - s.first_step) / static_cast<double>(s.last_step - s.first_step)
                         : 100.0;
  return fmt::format(
      "{{\n  \"state\": {},\n  \"updated\": {},\n  \"deck\": {},\n  \"ranks\": {},\n  \"particles\": {},\n"
      "  \"step\": {},\n  \"first_step\": {},\n  \"last_step\": {},\n  \"percent\": {},\n  \"time\": {},\n"
      "  \"elapsed_s\": {},\n  \"steps_per_s\": {},\n  \"particle_steps_per_s\": {},\n  \"eta_s\": {},\n"
      "  \"rank_particles\": [{}],\n  \"imbalance\": {},\n  \"last_checkpoint\": {{\"path\": {}, \"step\": {}}},\n  \"message\": {}\n}}\n",
      quoted(s.state), quoted(utc_now()), quoted(s.deck), s.ranks, s.particles, s.step, s.first_step, s.last_step,
      number(pct), number(s.time), number(s.elapsed_s), number(s.steps_per_s), number(s.particle_steps_per_s),
      s.eta_s < 0 ? "null" : number(s.eta_s), counts, number(s.imbalance),
      s.last_checkpoint.empty() ? "null" : quoted(s.last_checkpoint),
      s.last_checkpoint_step < 0 ? "null" : std::to_string(s.last_checkpoint_step), quoted(s.message));
}

bool write_status(const std::string& dir, const RunStatus& s, int writer) {
  const std::string path = dir + "/status.json";
  const std::string tmp = path + ".tmp" + std::to_string(writer);
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return false;
  const std::string text = status_json(s);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace strata
