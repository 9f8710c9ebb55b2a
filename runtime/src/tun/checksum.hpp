// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// Sums are kept as host-order numbers of the big-endian 16-bit words, so a
// pseudo-header can be added as plain numbers (address halves, protocol, length).
#pragma once

#include <cstdint>
#include <span>

namespace mosaic::tun {

// Adds `data`'s 16-bit words (an odd last byte padded with zero) to `sum`;
// returns the folded 16-bit one's-complement sum, ready for further additions.
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0);

// Folds `sum` to 16 bits and complements it: the value stored in a checksum field.
std::uint16_t checksum_finish(std::uint32_t sum);

// The checksum of `data` alone; 0 when `data` already holds a correct checksum.
inline std::uint16_t internet_checksum(std::span<const std::uint8_t> data) {
  return checksum_finish(checksum_add(data));
}

// RFC 1624 eqn. 3: the checksum after one covered 16-bit word changed from
// `old_word` to `new_word`, without touching the rest of the data.
std::uint16_t checksum_adjust(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word);
// The same for a 32-bit field (an IPv4 address), as two 16-bit words.
std::uint16_t checksum_adjust32(std::uint16_t checksum, std::uint32_t old_value, std::uint32_t new_value);

}  // namespace mosaic::tun
