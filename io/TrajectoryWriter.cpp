#include "io/TrajectoryWriter.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/Boundary.hpp"

namespace strata {

namespace {

// A frame's positions ([rows][3], row-major) folded into [0, L) on periodic
// axes with the run's own wrap (kernels/Boundary.hpp), so a frame holds what
// the run will after its next rebuild; shifts[k] = images coordinate k moved.
void wrap_rows(std::vector<double>& xyz, std::vector<int>& shifts, std::size_t rows, const std::array<double, 3>& box,
               const std::array<Boundary, 3>& boundary) {
  shifts.assign(3 * rows, 0);
  for (std::size_t k = 0; k < 3 * rows; ++k)
    if (boundary[k % 3] == Boundary::Periodic) wrap_periodic(xyz[k], shifts[k], box[k % 3]);
}

}  // namespace

TrajectoryWriter::TrajectoryWriter(MPI_Comm comm, const std::string& path, std::int64_t particle_count,
                                   const std::array<double, 3>& box, const std::array<Boundary, 3>& boundary,
                                   const TrajectoryOptions& options, std::int64_t resume_step)
    : file_(comm, path, particle_count, box, boundary, options, resume_step),
      order_(comm, particle_count, std::max<std::int64_t>(1, options.rows_per_write)) {}

TrajectoryWriter::~TrajectoryWriter() = default;

void TrajectoryWriter::close() { file_.close(); }

void TrajectoryWriter::write_frame(const Particles& p, std::int64_t step, double time,
                                   const FrameObservables& observables) {
  write_frame(p, step, time, file_.box(), observables);
}

void TrajectoryWriter::write_frame(const Particles& p, std::int64_t step, double time,
                                   const std::array<double, 3>& box, const FrameObservables& observables) {
  // Everything that may refuse the frame comes before the file grows.
  file_.agree(file_.options().force && !p.has_force()
                  ? "forces are to be stored but the particles have none (no interaction?)"
                  : std::string());
  try {
    order_.plan(p);
  } catch (const std::runtime_error& e) {  // thrown on every rank alike
    file_.fail_together(e.what());
  }
  FrameObservables obs = observables;
  file_.begin_frame(step, time, obs);
  const std::vector<TrajectoryFile::Element> elements = file_.elements();
  std::vector<double> doubles;
  std::vector<int> ints, shifts;
  std::vector<std::int64_t> int64s;
  for (int w = 0; w < order_.windows(); ++w) {
    const std::int64_t first = order_.block_begin(w);
    const std::int64_t rows = order_.block_size(w);
    for (std::size_t k = 0; k < elements.size(); ++k) {
      const std::string& name = elements[k].name;
      const void* buf = nullptr;
      if (name == "position" || name == "velocity" || name == "force") {
        order_.exchange(w, name == "position" ? p.position : name == "velocity" ? p.velocity : p.force, doubles);
        // Position comes first: the image element, later, is shifted by
        // what wrapping moved.
        if (name == "position") wrap_rows(doubles, shifts, static_cast<std::size_t>(rows), box, file_.boundary());
        buf = doubles.data();
      } else if (name == "image") {
        order_.exchange(w, p.image, ints);
        for (std::size_t i = 0; i < ints.size(); ++i) ints[i] += shifts[i];
        buf = ints.data();
      } else if (name == "species") {
        order_.exchange(w, p.species, ints);
        buf = ints.data();
      } else {
        order_.exchange(w, p.id, int64s);
        buf = int64s.data();
      }
      file_.write_rows(k, first, rows, buf);
    }
  }
  file_.end_frame(step, time, box, obs);
}

const std::vector<std::pair<std::int64_t, double>>& TrajectoryWriter::frames() const { return file_.frames(); }
const TrajectoryOptions& TrajectoryWriter::options() const { return file_.options(); }
const std::string& TrajectoryWriter::path() const { return file_.path(); }

}  // namespace strata
