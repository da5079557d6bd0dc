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

}  // namespace strata
