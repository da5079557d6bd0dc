#pragma once
// The run's output directory: refuses to clobber earlier results unless asked.
#include <string>
#include <vector>

namespace strata {

// Files and folders a Strata run writes; a directory holding any of them
// "holds results".
const std::vector<std::string>& result_names();

// Rank 0 only. Creates `dir` (and parents) if missing. If it already holds
// results: with overwrite, removes them (so no stale file survives to be
// mistaken for this run's); without, throws InputError naming `key_where`
// (e.g. "deck.toml:12" or "--output") and the first result found.
void prepare_output_dir(const std::string& dir, bool overwrite, const std::string& where, int line);

// Rank 0 only. Throws InputError unless a file can be created in `dir`
// (probed with a temporary file, removed at once): a read-only file system
// or a directory without write permission is reported before the run starts
// rather than at its first write.
void check_writable_dir(const std::string& dir, const std::string& where, int line);

// Why a write into `dir` may have failed that HDF5 and MPI-IO do not say:
// "; the file system of <dir> is full (N MB free)" when less than `needed`
// bytes are free, else "".
std::string write_failure_note(const std::string& dir, double needed);

}  // namespace strata
