#pragma once
// The input-deck loader: TOML file + --set overrides -> validated Config.
// Every user mistake becomes an InputError naming the file (or --set
// argument), the line, the key and what was expected. The schema (keys,
// types, defaults, units, ranges) is one table in Deck.cpp; docs/deck.md is
// its reference page.
#include <string>
#include <utility>
#include <vector>

#include "src/Config.hpp"
#include "core/InputError.hpp"

namespace strata {

// Parse and validate the deck at `path`, apply `overrides` (one "key=value"
// per --set, value in TOML syntax: 200, 0.5, "fcc", [1.0, 2.0, 3.0], true) and
// return the typed config. Throws InputError on any problem.
Config load_deck(const std::string& path, const std::vector<std::string>& overrides = {});

// The same from the deck's text (e.g. stored in a checkpoint); `where`
// names it in messages and becomes deck_path.
Config load_deck_text(const std::string& text, const std::string& where,
                      const std::vector<std::string>& overrides = {});

// Keys whose effective values differ between two decks, in documentation
// order, each with both values: "run.seed" -> {"87287", "11"}.
std::vector<std::pair<std::string, std::pair<std::string, std::string>>> deck_differences(const Config& a,
                                                                                         const Config& b);

// Closest known dotted key to `key` (Levenshtein, over full dotted paths and
// over last components), or "" when nothing is close.
std::string closest_key(const std::string& key);

// All known dotted keys, in documentation order.
std::vector<std::string> deck_keys();

}  // namespace strata
