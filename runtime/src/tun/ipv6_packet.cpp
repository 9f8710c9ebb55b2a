#include "ipv6_packet.hpp"

#include <netinet/ip6.h>

#include <algorithm>
#include <cstddef>

#include "byte_order.hpp"

namespace mosaic::tun {
namespace {

Ipv6Address address_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  Ipv6Address a;
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), a.size(), a.begin());
  return a;
}

}  // namespace

Ipv6Address Ipv6Packet::src() const { return address_at(bytes_, offsetof(struct ip6_hdr, ip6_src)); }
Ipv6Address Ipv6Packet::dst() const { return address_at(bytes_, offsetof(struct ip6_hdr, ip6_dst)); }
std::uint8_t Ipv6Packet::next_header() const { return bytes_[offsetof(struct ip6_hdr, ip6_nxt)]; }
std::uint8_t Ipv6Packet::hop_limit() const { return bytes_[offsetof(struct ip6_hdr, ip6_hlim)]; }

std::variant<Ipv6Packet, PacketReject> parse_ipv6(std::span<const std::uint8_t> buffer) {
  constexpr std::size_t kHeader = sizeof(struct ip6_hdr);
  if (buffer.size() < kHeader) return PacketReject::Truncated;
  if ((buffer[0] >> 4) != 6) return PacketReject::WrongVersion;
  std::size_t payload_length = load_be16(buffer.data() + offsetof(struct ip6_hdr, ip6_plen));
  if (payload_length == 0 || kHeader + payload_length > buffer.size()) return PacketReject::BadTotalLength;
  return Ipv6Packet(buffer.first(kHeader + payload_length));
}

}  // namespace mosaic::tun
