#pragma once
// io-internal: writing one shared HDF5 file collectively through MPI-IO, so
// that every rank either finishes every collective call or all of them throw
// the same error. Shared by the H5MD frame writer and the checkpoint writer.
#include <hdf5.h>

#include <array>
#include <mpi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/Box.hpp"
#include "io/H5Handle.hpp"

namespace strata::h5 {

// Already names the file; anything else thrown while writing gets that added.
struct WriteFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A failure every rank of the write learned together (through agree()), so
// all of them may go on to collective clean-up.
struct AgreedWriteFailure : WriteFailure {
  using WriteFailure::WriteFailure;
};

// One collective write of one file: the communicator, and the failure
// protocol every rank follows.
struct WriteContext {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int size = 1;
  std::string prefix;  // "cannot write <kind> '<final path>': ", the name the user knows
  Handle dxpl;         // collective transfers

  WriteContext(MPI_Comm c, const std::string& kind, const std::string& path);

  [[noreturn]] void fail(const std::string& what) const;
  // For both hid_t and herr_t results: negative means failure.
  template <class T>
  T check(T result, const std::string& what) const {
    if (result < 0) fail(what);
    return result;
  }

  // Before a collective call that a rank might not reach: if any rank failed
  // (non-empty local_error), every rank throws the lowest failing rank's
  // message, so none is left waiting and rank 0 reports the real cause.
  void agree(const std::string& local_error) const;

  // Runs local work that may fail on this rank alone; the message for agree().
  template <class F>
  std::string attempt(F&& f) const {
    try {
      f();
      return {};
    } catch (const WriteFailure& e) {
      return e.what();
    } catch (const std::exception& e) {
      return prefix + e.what() + " on rank " + std::to_string(rank);
    } catch (...) {
      return prefix + "unknown error on rank " + std::to_string(rank);
    }
  }
};

// Creates (truncating) `path` for collective writing. With
// `checksummed_metadata`, the file uses the HDF5 1.8 format, whose
// superblock and object headers (and so every attribute) carry checksums
// HDF5 verifies on reading; any HDF5 >= 1.8 reads it.
Handle create_file(WriteContext& ctx, const std::string& path, bool checksummed_metadata);
// Closes the file collectively; every rank throws if any rank failed.
void close_file(const WriteContext& ctx, Handle& file, const std::string& path);
// After an AgreedWriteFailure: closes and deletes the unfinished file on every
// rank. Rank 0 first empties it so that the close's last flush finds room on
// a full disk or under a file-size limit; HDF5 1.10 otherwise keeps a
// half-closed file that crashes the process when HDF5 shuts down.
void discard_file(const WriteContext& ctx, Handle& file, const std::string& path);

Handle make_group(const WriteContext& ctx, hid_t parent, const char* name);

// The H5MD 1.1 header every Strata file carries: /h5md with its version,
// author (Strata) and creator (strata, `creator_version`).
void write_h5md_header(const WriteContext& ctx, hid_t file, const std::string& creator_version);
// /particles/all/box (under `all`) with its dimension and boundary
// attributes (H5MD knows "periodic" and "none"; a reflecting wall is not
// periodic); the caller adds the edges.
Handle make_box_group(const WriteContext& ctx, hid_t all, const std::array<Boundary, 3>& boundary);
// Collective metadata: every rank passes the same values.
void write_attribute(const WriteContext& ctx, hid_t obj, const char* name, hid_t file_type, hid_t mem_type,
                     hsize_t count, bool scalar, const void* data);
// Fixed-length, null-terminated strings: readable by every H5MD reader and,
// unlike variable-length data, safe to write through the MPI-IO driver.
void write_strings(const WriteContext& ctx, hid_t obj, const char* name, const std::vector<std::string>& values,
                   bool scalar);
// The fixed-length string type `width` bytes wide (terminator included).
Handle string_type(const WriteContext& ctx, std::size_t width);
// `values` as consecutive null-terminated strings of the longest one's width
// (+1, set in `width`): the memory layout of a fixed-length string array.
std::vector<char> pack_strings(const std::vector<std::string>& values, std::size_t& width);

// A dataset whose first dimension counts frames and may grow, so later
// frames can be appended to the same file.
Handle make_frames_dataset(const WriteContext& ctx, hid_t parent, const char* name, hid_t file_type,
                           std::vector<hsize_t> dims, std::vector<hsize_t> chunk);
// A fixed-size, contiguous dataset.
Handle make_dataset(const WriteContext& ctx, hid_t parent, const char* name, hid_t file_type,
                    const std::vector<hsize_t>& dims);

struct Selection {
  Handle file_space;
  Handle mem_space;
  const void* buf = nullptr;
};

// Selects `count` elements of `dset` starting at `start` (empty when count has
// a zero), with a memory space of that shape (row-major, contiguous).
Selection select_block(const WriteContext& ctx, hid_t dset, const std::vector<hsize_t>& start,
                       const std::vector<hsize_t>& count, const void* buf);

void write_selection(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& what,
                     const Selection& sel);

// The collective H5Dwrite every rank must reach: `prepare` (local work that
// may fail on one rank alone, returning a Selection) is agreed on before it,
// its result after it.
template <class Prepare>
void collective_write(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& what,
                      Prepare&& prepare) {
  Selection sel;
  ctx.agree(ctx.attempt([&] { sel = prepare(); }));
  write_selection(ctx, dset, mem_type, what, sel);
}

// One dataset a writer wrote: its path, its shape, and the RowChecksum
// (io/RowChecksum.hpp) of the rows this rank wrote (0 where it wrote none,
// or checksums were not asked for).
struct DatasetRecord {
  std::string path;
  std::vector<hsize_t> dims;
  std::uint64_t checksum = 0;
};

// Small metadata-like datasets of shape `dims`: rank 0 supplies every
// element (row-major), the others join the collective call with nothing.
void write_whole(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& what,
                 const std::vector<hsize_t>& dims, const void* buf);

// write_whole, and its record; with `checksum`, rank 0's covers every row
// (the first dimension) of `elem_bytes`-byte elements.
DatasetRecord write_whole_recorded(const WriteContext& ctx, hid_t dset, hid_t mem_type, const std::string& path,
                                   const std::vector<hsize_t>& dims, std::size_t elem_bytes, const void* buf,
                                   bool checksum);

}  // namespace strata::h5
