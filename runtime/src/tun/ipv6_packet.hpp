// A validated, read-only view of an IPv6 packet: the addresses and the first
// next-header value (extension headers are not walked). Rewriting is IPv4-only
// for now; the node can still forward IPv6 packets unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <variant>

#include "packet_reject.hpp"

namespace mosaic::tun {

using Ipv6Address = std::array<std::uint8_t, 16>;

class Ipv6Packet {
 public:
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  Ipv6Address src() const;
  Ipv6Address dst() const;
  std::uint8_t next_header() const;
  std::uint8_t hop_limit() const;

 private:
  friend std::variant<Ipv6Packet, PacketReject> parse_ipv6(std::span<const std::uint8_t>);
  explicit Ipv6Packet(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::span<const std::uint8_t> bytes_;
};

// Checks version and payload length. A payload length of 0 is rejected as
// BadTotalLength: it marks a jumbogram, which no tun MTU allows (an empty IPv6
// packet would be legal but carries nothing a tunnel needs).
std::variant<Ipv6Packet, PacketReject> parse_ipv6(std::span<const std::uint8_t> buffer);

}  // namespace mosaic::tun
