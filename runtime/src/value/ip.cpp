#include "mosaic/ip.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "mosaic/hash.hpp"

namespace mosaic {

Ip Ip::v4(std::uint32_t host_order) {
  Ip ip;
  ip.family_ = 4;
  ip.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
  ip.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
  ip.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
  ip.bytes_[3] = static_cast<std::uint8_t>(host_order);
  return ip;
}

Ip Ip::v6(const std::array<std::uint8_t, 16>& bytes) {
  Ip ip;
  ip.family_ = 6;
  ip.bytes_ = bytes;
  return ip;
}

std::optional<Ip> Ip::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<std::uint8_t, 16> b{};
  if (text.find(':') == std::string_view::npos) {
    // inet_pton's IPv4 form: exactly four decimal octets, no leading zeros.
    if (inet_pton(AF_INET, buf, b.data()) != 1) return std::nullopt;
    return v4(std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3]);
  }
  if (inet_pton(AF_INET6, buf, b.data()) != 1) return std::nullopt;
  return v6(b);
}

std::uint32_t Ip::v4_host_order() const {
  return std::uint32_t(bytes_[0]) << 24 | std::uint32_t(bytes_[1]) << 16 | std::uint32_t(bytes_[2]) << 8 | bytes_[3];
}

Ip Ip::network(int length) const {
  const int width = is_v4() ? 32 : 128;
  if (length < 0) length = 0;
  if (length > width) length = width;
  Ip out = *this;
  for (int bit = length; bit < width; ++bit) out.bytes_[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return out;
}

std::string Ip::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::size_t Ip::hash() const {
  std::uint64_t hi, lo;
  std::memcpy(&hi, bytes_.data(), 8);
  std::memcpy(&lo, bytes_.data() + 8, 8);
  return hash_mix(hash_mix(family_, mix64(hi)), mix64(lo));
}

}  // namespace mosaic
