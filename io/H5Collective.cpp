#include "io/H5Collective.hpp"

#include "core/Agreement.hpp"

#include <unistd.h>

#include <cstdio>

#include <algorithm>

#include "io/RowChecksum.hpp"

namespace strata::h5 {

WriteContext::WriteContext(MPI_Comm c, const std::string& kind, const std::string& path)
    : comm(c), prefix("cannot write " + kind + " '" + path + "': ") {
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
}

void WriteContext::fail(const std::string& what) const { throw WriteFailure(prefix + what + error_detail()); }

void WriteContext::agree(const std::string& local_error) const {
  const std::string first = first_error(comm, local_error);
  if (!first.empty()) throw AgreedWriteFailure(first);
}

Handle create_file(WriteContext& ctx, const std::string& path, bool checksummed_metadata) {
  Handle fapl(ctx.check(H5Pcreate(H5P_FILE_ACCESS), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_fapl_mpio(fapl.get(), ctx.comm, MPI_INFO_NULL), "cannot select the MPI-IO driver");
  // One rank writes metadata instead of all of them racing on small writes.
  ctx.check(H5Pset_coll_metadata_write(fapl.get(), 1), "cannot set collective metadata writes");
  if (checksummed_metadata)
    ctx.check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), "cannot select the HDF5 1.8 format");
  ctx.dxpl = Handle(ctx.check(H5Pcreate(H5P_DATASET_XFER), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_dxpl_mpio(ctx.dxpl.get(), H5FD_MPIO_COLLECTIVE), "cannot select collective transfers");

  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
  // A rank that did open the file cannot close it alone (H5Fclose is
  // collective), so on disagreement its handle is abandoned, not closed.
  const std::string error = file ? std::string() : ctx.attempt([&] { ctx.fail("cannot create " + path); });
  try {
    ctx.agree(error);
  } catch (...) {
    file.abandon();
    throw;
  }
  return file;
}

void close_file(const WriteContext& ctx, Handle& file, const std::string& path) {
  const herr_t closed = file.close();
  ctx.agree(closed < 0 ? ctx.attempt([&] { ctx.fail("cannot close " + path); }) : std::string());
}

void discard_file(const WriteContext& ctx, Handle& file, const std::string& path) {
  if (file) {
    if (ctx.rank == 0) {
      const int emptied = ::truncate(path.c_str(), 0);
      (void)emptied;  // best effort: the close is tried either way
    }
    MPI_Barrier(ctx.comm);
    file.close();
  }
  if (ctx.rank == 0) std::remove(path.c_str());
}

Handle make_group(const WriteContext& ctx, hid_t parent, const char* name) {
  return Handle(ctx.check(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          std::string("cannot create group ") + name),
                H5Gclose);
}

void write_attribute(const WriteContext& ctx, hid_t obj, const char* name, hid_t file_type, hid_t mem_type,
                     hsize_t count, bool scalar, const void* data) {
  Handle space(ctx.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr),
                         "cannot create dataspace"),
               H5Sclose);
  Handle attr(ctx.check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        std::string("cannot create attribute ") + name),
              H5Aclose);
  ctx.check(H5Awrite(attr.get(), mem_type, data), std::string("cannot write attribute ") + name);
}

Handle string_type(const WriteContext& ctx, std::size_t width) {
  Handle type(ctx.check(H5Tcopy(H5T_C_S1), "cannot copy string type"), H5Tclose);
  ctx.check(H5Tset_size(type.get(), width), "cannot size string type");
  ctx.check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "cannot terminate string type");
  return type;
}

std::vector<char> pack_strings(const std::vector<std::string>& values, std::size_t& width) {
  width = 0;
  for (const auto& v : values) width = std::max(width, v.size());
  ++width;  // the terminator
  std::vector<char> packed(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), &packed[i * width]);
  return packed;
}

void write_strings(const WriteContext& ctx, hid_t obj, const char* name, const std::vector<std::string>& values,
                   bool scalar) {
  std::size_t width = 0;
  const std::vector<char> packed = pack_strings(values, width);
  const Handle type = string_type(ctx, width);
  write_attribute(ctx, obj, name, type.get(), type.get(), values.size(), scalar, packed.data());
}

Handle make_frames_dataset(const WriteContext& ctx, hid_t parent, const char* name, hid_t file_type,
                           std::vector<hsize_t> dims, std::vector<hsize_t> chunk) {
  std::vector<hsize_t> maxdims = dims;
  maxdims[0] = H5S_UNLIMITED;
  // A chunk may not exceed a fixed dimension; an empty particle axis has to
  // be growable for the chunk to fit.
  for (std::size_t d = 1; d < dims.size(); ++d)
    if (dims[d] == 0) maxdims[d] = H5S_UNLIMITED;
  Handle space(ctx.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                         "cannot create dataspace"),
               H5Sclose);
  Handle dcpl(ctx.check(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list"), H5Pclose);
  ctx.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking");
  // Every element is written, so filling first would only double the I/O.
  ctx.check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "cannot set fill time");
  return Handle(ctx.check(H5Dcreate2(parent, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                          std::string("cannot create dataset ") + name),
                H5Dclose);
}

Handle make_dataset(const WriteContext& ctx, hid_t parent, const char* name, hid_t file_type,
                    const std::vector<hsize_t>& dims) {
  Handle space(ctx.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                         "cannot create dataspace"),
               H5Sclose);
  return Handle(ctx.check(H5Dcreate2(parent, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          std::string("cannot create dataset ") + name),
                H5Dclose);
}

Selection select_block(const WriteContext& ctx, hid_t dset, const std::vector<hsize_t>& start,
                       const std::vector<hsize_t>& count, const void* buf) {
  Selection sel;
  sel.buf = buf;
  sel.file_space = Handle(ctx.check(H5Dget_space(dset), "cannot get dataspace"), H5Sclose);
  hsize_t n = 1;
  for (hsize_t c : count) n *= c;
  // The memory space has the file selection's shape: HDF5 maps a selection
  // onto chunks block by block only then, element by element otherwise
  // (several times slower for particle data).
  const hsize_t one = 1;
  sel.mem_space = Handle(ctx.check(n == 0 ? H5Screate_simple(1, &one, nullptr)
                                          : H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                                   "cannot create dataspace"),
                         H5Sclose);
  if (n == 0) {
    ctx.check(H5Sselect_none(sel.file_space.get()), "cannot select");
    ctx.check(H5Sselect_none(sel.mem_space.get()), "cannot select");
  } else {
    ctx.check(H5Sselect_hyperslab(sel.file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              "cannot select");
  }
  return sel;
}

void write_selection(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& what,
                     const Selection& sel) {
  // H5Dwrite rejects a null buffer even for an empty selection in some versions.
  static const char dummy = 0;
  const herr_t status =
      H5Dwrite(dset, mem_type, sel.mem_space.get(), sel.file_space.get(), ctx.dxpl.get(), sel.buf ? sel.buf : &dummy);
  ctx.agree(status < 0 ? ctx.attempt([&] { ctx.fail("cannot write " + what); }) : std::string());
}

void write_whole(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& what,
                 const std::vector<hsize_t>& dims, const void* buf) {
  // Nothing to write, and parallel HDF5 fails writing to an empty contiguous
  // dataset, whose storage was never allocated. Every rank knows `dims`.
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  if (n == 0) return;
  collective_write(ctx, dset, mem_type, what, [&] {
    const std::vector<hsize_t> start(dims.size(), 0);
    return select_block(ctx, dset, start, ctx.rank == 0 ? dims : start, buf);
  });
}

DatasetRecord write_whole_recorded(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& path,
                                   const std::vector<hsize_t>& dims, std::size_t elem_bytes, const void* buf,
                                   bool checksum) {
  write_whole(ctx, dset, mem_type, path, dims, buf);
  DatasetRecord r{path, dims, 0};
  if (checksum && ctx.rank == 0 && !dims.empty()) {
    std::size_t row_bytes = elem_bytes;
    for (std::size_t d = 1; d < dims.size(); ++d) row_bytes *= dims[d];
    r.checksum = rows_checksum(buf, row_bytes, dims[0], 0);
  }
  return r;
}

void write_h5md_header(const WriteContext& ctx, hid_t file, const std::string& creator_version) {
  Handle h5md = make_group(ctx, file, "h5md");
  const int version[2] = {1, 1};
  write_attribute(ctx, h5md.get(), "version", H5T_STD_I32LE, H5T_NATIVE_INT, 2, false, version);
  Handle author = make_group(ctx, h5md.get(), "author");
  write_strings(ctx, author.get(), "name", {"Strata"}, true);
  Handle creator = make_group(ctx, h5md.get(), "creator");
  write_strings(ctx, creator.get(), "name", {"strata"}, true);
  write_strings(ctx, creator.get(), "version", {creator_version}, true);
}

Handle make_box_group(const WriteContext& ctx, hid_t all, const std::array<Boundary, 3>& boundary) {
  Handle box = make_group(ctx, all, "box");
  const int dimension = 3;
  write_attribute(ctx, box.get(), "dimension", H5T_STD_I32LE, H5T_NATIVE_INT, 1, true, &dimension);
  std::vector<std::string> names;
  for (Boundary b : boundary) names.push_back(b == Boundary::Periodic ? "periodic" : "none");
  write_strings(ctx, box.get(), "boundary", names, false);
  return box;
}

}  // namespace strata::h5
