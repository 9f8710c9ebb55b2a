// A validated, mutable view of an IPv4 packet in a caller's buffer: the header
// fields the `tun` predicate exposes (paper §4.6: SrcIP, DestIP, Protocol, TTL)
// and their rewriting with incremental checksum updates, so a relay never
// recomputes a checksum over the payload.
#pragma once

#include <cstdint>
#include <span>
#include <variant>

#include "packet_reject.hpp"

namespace mosaic::tun {

class Ipv4Packet {
 public:
  // Bytes past the total length (link padding) are not part of the packet.
  std::span<std::uint8_t> bytes() const { return bytes_; }
  std::size_t header_length() const { return static_cast<std::size_t>(bytes_[0] & 0x0f) * 4; }
  std::span<std::uint8_t> payload() const { return bytes_.subspan(header_length()); }

  std::uint32_t src() const;  // host byte order
  std::uint32_t dst() const;
  std::uint8_t protocol() const { return bytes_[9]; }
  std::uint8_t ttl() const { return bytes_[8]; }
  // Only the first fragment (offset 0) carries the transport header.
  bool is_first_fragment() const;

  // Each setter keeps the header checksum right; the address setters also keep
  // a TCP or UDP checksum right (it covers the addresses through the
  // pseudo-header). A UDP checksum of 0 (none) stays 0.
  void set_src(std::uint32_t address);
  void set_dst(std::uint32_t address);
  void set_ttl(std::uint8_t ttl);
  // The header checksum only: a TCP or UDP checksum covers the protocol too,
  // but a packet whose protocol changes is no longer that transport's anyway.
  void set_protocol(std::uint8_t protocol);

 private:
  friend std::variant<Ipv4Packet, PacketReject> parse_ipv4(std::span<std::uint8_t>, bool);
  explicit Ipv4Packet(std::span<std::uint8_t> bytes) : bytes_(bytes) {}
  void set_address(std::size_t offset, std::uint32_t address);

  std::span<std::uint8_t> bytes_;
};

// Checks version, header length and total length (and the header checksum when
// `verify_checksum`); on success the view covers exactly the total length.
std::variant<Ipv4Packet, PacketReject> parse_ipv4(std::span<std::uint8_t> buffer, bool verify_checksum = false);

}  // namespace mosaic::tun
