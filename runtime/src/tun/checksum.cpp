#include "checksum.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace mosaic::tun {
namespace {

std::uint32_t fold(std::uint64_t sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint32_t>(sum);
}

}  // namespace

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum) {
  // One's-complement addition is byte-order independent (RFC 1071 §2(B)): add
  // native 32-bit loads into a 64-bit accumulator (no carry is lost below 2^32
  // words), four at a time, and convert to host order once at the end.
  std::uint64_t acc = 0;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  for (; n >= 16; p += 16, n -= 16) {
    std::uint32_t w[4];
    std::memcpy(w, p, sizeof w);
    acc += std::uint64_t{w[0]} + w[1] + w[2] + w[3];
  }
  for (; n >= 4; p += 4, n -= 4) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    acc += w;
  }
  if (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, sizeof w);
    acc += w;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    std::uint16_t w = 0;  // the odd byte is the high-order byte of a zero-padded word
    std::memcpy(&w, p, 1);
    acc += w;
  }
  std::uint32_t native = fold(acc);
  return fold(std::uint64_t{ntohs(static_cast<std::uint16_t>(native))} + sum);
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  return static_cast<std::uint16_t>(~fold(sum));
}

std::uint16_t checksum_adjust(std::uint16_t checksum, std::uint16_t old_word, std::uint16_t new_word) {
  // HC' = ~(~HC + ~m + m'): never produces -0 from a nonzero sum (RFC 1624 §3).
  std::uint64_t sum = std::uint16_t(~checksum);
  sum += std::uint16_t(~old_word);
  sum += new_word;
  return static_cast<std::uint16_t>(~fold(sum));
}

std::uint16_t checksum_adjust32(std::uint16_t checksum, std::uint32_t old_value, std::uint32_t new_value) {
  checksum = checksum_adjust(checksum, old_value >> 16, new_value >> 16);
  return checksum_adjust(checksum, old_value & 0xffff, new_value & 0xffff);
}

}  // namespace mosaic::tun
