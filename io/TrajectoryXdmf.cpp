// The XDMF sidecar of a trajectory (declared in io/TrajectoryWriter.hpp).
// XDMF puts no data of its own in the .xmf: each frame's grid points into
// the H5MD datasets through a HyperSlab (start, stride, count per axis), so
// the sidecar stays a few hundred bytes per frame whatever N is.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/TrajectoryWriter.hpp"

namespace strata {

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Stored {
  const char* name;
  const char* number_type;  // XDMF NumberType
  int precision;            // bytes
  bool vector;
};

// Frame `f` of /particles/all/<name>/value ([F][N][3] or [F][N]) as an XDMF
// DataItem of shape 1 x N (x 3).
void hyperslab(std::ostream& x, const std::string& h5, const Stored& s, std::size_t f, std::size_t frames,
               std::int64_t n, const char* indent) {
  const std::string shape = std::to_string(n) + (s.vector ? " 3" : "");
  const int rank = s.vector ? 3 : 2;
  x << indent << "<DataItem ItemType=\"HyperSlab\" Dimensions=\"1 " << shape << "\" Type=\"HyperSlab\">\n";
  x << indent << "  <DataItem Dimensions=\"3 " << rank << "\" NumberType=\"UInt\" Precision=\"8\" Format=\"XML\">"
    << f << " 0" << (s.vector ? " 0" : "") << "  1 1" << (s.vector ? " 1" : "") << "  1 " << shape
    << "</DataItem>\n";
  x << indent << "  <DataItem Dimensions=\"" << frames << " " << shape << "\" NumberType=\"" << s.number_type
    << "\" Precision=\"" << s.precision << "\" Format=\"HDF\">" << xml_escape(h5) << ":/particles/all/" << s.name
    << "/value</DataItem>\n";
  x << indent << "</DataItem>\n";
}

}  // namespace

void write_xdmf(const std::string& xmf_path, const std::string& h5_file_name, std::int64_t particle_count,
                const std::vector<std::pair<std::int64_t, double>>& frames, const TrajectoryOptions& options) {
  const Stored position{"position", "Float", 8, true};
  std::vector<Stored> attributes;
  if (options.velocity) attributes.push_back({"velocity", "Float", 8, true});
  if (options.image) attributes.push_back({"image", "Int", 4, true});
  if (options.id) attributes.push_back({"id", "Int", 8, false});
  if (options.species) attributes.push_back({"species", "Int", 4, false});
  if (options.force) attributes.push_back({"force", "Float", 8, true});

  std::ostringstream x;
  x.precision(17);  // times round-trip
  x << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n";
  x << "<Xdmf Version=\"2.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n <Domain>\n";
  x << "  <Grid Name=\"trajectory\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t f = 0; f < frames.size(); ++f) {
    x << "   <Grid Name=\"step " << frames[f].first << "\" GridType=\"Uniform\">\n";
    x << "    <Time Value=\"" << frames[f].second << "\"/>\n";
    x << "    <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << particle_count
      << "\" NodesPerElement=\"1\"/>\n";
    x << "    <Geometry GeometryType=\"XYZ\">\n";
    hyperslab(x, h5_file_name, position, f, frames.size(), particle_count, "     ");
    x << "    </Geometry>\n";
    for (const Stored& a : attributes) {
      x << "    <Attribute Name=\"" << a.name << "\" AttributeType=\"" << (a.vector ? "Vector" : "Scalar")
        << "\" Center=\"Node\">\n";
      hyperslab(x, h5_file_name, a, f, frames.size(), particle_count, "     ");
      x << "    </Attribute>\n";
    }
    x << "   </Grid>\n";
  }
  x << "  </Grid>\n </Domain>\n</Xdmf>\n";

  const std::string tmp = xmf_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::out | std::ios::trunc);
    out << x.str();
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write XDMF file '" + tmp + "'");
    }
  }
  if (std::rename(tmp.c_str(), xmf_path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write XDMF file '" + xmf_path + "': renaming " + tmp + " failed: " +
                             std::strerror(err));
  }
}

}  // namespace strata
