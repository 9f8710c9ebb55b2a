// A validated, read-only view of an IPv6 packet: the addresses and the first
// next-header value (extension headers are not walked); and rewriting them in
// a packet of one's own (rewrite_ipv6_*), with the TCP or UDP checksum kept
// right through its pseudo-header (IPv6 has no header checksum).
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

// Rewrites a field of a packet parse_ipv6 accepted. An address change adjusts
// a TCP or UDP checksum found right after the fixed header (no extension
// headers); the next header and hop limit are not covered by any checksum
// that stays meaningful (a packet whose protocol changes is another one).
void rewrite_ipv6_src(std::span<std::uint8_t> packet, const Ipv6Address& address);
void rewrite_ipv6_dst(std::span<std::uint8_t> packet, const Ipv6Address& address);
void rewrite_ipv6_hop_limit(std::span<std::uint8_t> packet, std::uint8_t hop_limit);
void rewrite_ipv6_next_header(std::span<std::uint8_t> packet, std::uint8_t next_header);

}  // namespace mosaic::tun
