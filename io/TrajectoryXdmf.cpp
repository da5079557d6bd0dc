// The XDMF sidecar of a trajectory (declared in io/TrajectoryWriter.hpp).
// XDMF puts no data of its own in the .xmf: each frame's grid points into
// the H5MD datasets through a HyperSlab (start, stride, count per axis), so
// the sidecar stays a few hundred bytes per frame whatever N is. Written as
// XDMF 2, which ParaView's "XDMF Reader" (vtkXdmfReader) reads with every
// frame, the stored elements as point data and the box as field data.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "io/TrajectoryFile.hpp"

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

// Frame `f` of the HDF5 dataset `path` ([frames] + `item` dims) as an XDMF
// DataItem of shape `shape` (the item's dims, led by 1 for particle data).
void hyperslab(std::ostream& x, const std::string& h5, const std::string& path, const char* number_type,
               int precision, std::size_t f, std::size_t frames, const std::vector<std::int64_t>& item,
               const std::string& shape, const char* indent) {
  std::string start = std::to_string(f), stride = "1", count = "1", dims = std::to_string(frames);
  for (std::int64_t d : item) {
    start += " 0";
    stride += " 1";
    count += " " + std::to_string(d);
    dims += " " + std::to_string(d);
  }
  x << indent << "<DataItem ItemType=\"HyperSlab\" Dimensions=\"" << shape << "\" Type=\"HyperSlab\">\n";
  x << indent << "  <DataItem Dimensions=\"3 " << item.size() + 1
    << "\" NumberType=\"UInt\" Precision=\"8\" Format=\"XML\">" << start << "  " << stride << "  " << count
    << "</DataItem>\n";
  x << indent << "  <DataItem Dimensions=\"" << dims << "\" NumberType=\"" << number_type << "\" Precision=\""
    << precision << "\" Format=\"HDF\">" << xml_escape(h5) << ":" << path << "</DataItem>\n";
  x << indent << "</DataItem>\n";
}

// Frame `f` of /particles/all/<name>/value ([F][N][3] or [F][N]) as a
// DataItem of shape 1 x N (x 3).
void element_slab(std::ostream& x, const std::string& h5, const Stored& s, std::size_t f, std::size_t frames,
                  std::int64_t n, const char* indent) {
  std::vector<std::int64_t> item{n};
  if (s.vector) item.push_back(3);
  hyperslab(x, h5, std::string("/particles/all/") + s.name + "/value", s.number_type, s.precision, f, frames, item,
            "1 " + std::to_string(n) + (s.vector ? " 3" : ""), indent);
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
    element_slab(x, h5_file_name, position, f, frames.size(), particle_count, "     ");
    x << "    </Geometry>\n";
    for (const Stored& a : attributes) {
      x << "    <Attribute Name=\"" << a.name << "\" AttributeType=\"" << (a.vector ? "Vector" : "Scalar")
        << "\" Center=\"Node\">\n";
      element_slab(x, h5_file_name, a, f, frames.size(), particle_count, "     ");
      x << "    </Attribute>\n";
    }
    // The frame's box matrix as field data (ParaView: a 9-component "box"
    // array of the grid; "3 3", since a grid attribute of rank 3 is refused).
    x << "    <Attribute Name=\"box\" AttributeType=\"Tensor\" Center=\"Grid\">\n";
    hyperslab(x, h5_file_name, "/particles/all/box/edges/value", "Float", 8, f, frames.size(), {3, 3}, "3 3",
              "     ");
    x << "    </Attribute>\n";
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
