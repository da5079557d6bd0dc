#pragma once
// The checksum a checkpoint keeps of every dataset: the sum, modulo 2^64, of
// one 64-bit hash per row, each hash keyed by the row's index in the file.
//
// Why a sum of row hashes and not a running hash (FNV, CRC) of the bytes:
// a sum can be taken over any split of the rows and the parts added up. A
// run restarted on another number of ranks reads shares of the file that do
// not line up with the writers' hyperslabs; each reader adds what it read to
// the right writer's total and one MPI_Allreduce completes the totals. Keying
// by row index catches rows that are swapped or shifted, not only changed.
//
// A change confined to one 8-byte word of one row (any single damaged byte)
// always changes the sum: each step of the row hash is a bijection of the
// running state and of the word it takes in. Wider damage goes unnoticed
// with probability about 2^-64.
//
// The hash is over the bytes as stored in the file. The file's types are
// little-endian, and so is every machine this reads memory on (asserted).
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace strata {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "checksums hash in-memory bytes as the little-endian bytes of the file");

// The splitmix64 finalizer: a bijection of 64-bit words with full avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Hash of one row of `bytes` bytes whose index in the file is `row`: one
// mix per 8-byte word, the row index entering (bijectively) as the start
// value, since mixing it on its own would cost another mix per row.
inline std::uint64_t row_hash(std::uint64_t row, const unsigned char* data, std::size_t bytes) {
  std::uint64_t h = (row + 1) * 0x9e3779b97f4a7c15ULL;
  for (std::size_t k = 0; k < bytes; k += 8) {
    std::uint64_t word = 0;  // the last word of a row not a multiple of 8 bytes is zero-padded
    std::memcpy(&word, data + k, bytes - k < 8 ? bytes - k : 8);
    h = mix64(h ^ word);
  }
  return h;
}

// Sum of the row hashes of `rows` consecutive rows of `row_bytes` bytes each,
// the first of which is row `first_row` of the file.
inline std::uint64_t rows_checksum(const void* data, std::size_t row_bytes, std::size_t rows,
                                   std::uint64_t first_row) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < rows; ++i) sum += row_hash(first_row + i, bytes + i * row_bytes, row_bytes);
  return sum;
}

}  // namespace strata
