#include "ipv6_packet.hpp"

#include <netinet/ip6.h>

#include <algorithm>
#include <cstddef>

#include "byte_order.hpp"
#include "checksum.hpp"

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

namespace {

void rewrite_address(std::span<std::uint8_t> packet, std::size_t offset, const Ipv6Address& address) {
  constexpr std::size_t kHeader = sizeof(struct ip6_hdr);
  std::uint8_t* field = packet.data() + offset;
  std::uint8_t* check = nullptr;
  const std::uint8_t next = packet[offsetof(struct ip6_hdr, ip6_nxt)];
  if (next == 6 && packet.size() >= kHeader + 18) check = packet.data() + kHeader + 16;       // TCP
  else if (next == 17 && packet.size() >= kHeader + 8) check = packet.data() + kHeader + 6;   // UDP
  if (check && next == 17 && load_be16(check) == 0) check = nullptr;  // no checksum (not valid in IPv6, left alone)
  std::uint16_t sum = check ? load_be16(check) : 0;
  for (std::size_t i = 0; i < 16; i += 2) {
    std::uint16_t old_word = load_be16(field + i);
    std::uint16_t new_word = static_cast<std::uint16_t>(address[i] << 8 | address[i + 1]);
    if (check) sum = checksum_adjust(sum, old_word, new_word);
    store_be16(field + i, new_word);
  }
  if (check) store_be16(check, (next == 17 && sum == 0) ? 0xffff : sum);
}

}  // namespace

void rewrite_ipv6_src(std::span<std::uint8_t> p, const Ipv6Address& a) { rewrite_address(p, offsetof(struct ip6_hdr, ip6_src), a); }
void rewrite_ipv6_dst(std::span<std::uint8_t> p, const Ipv6Address& a) { rewrite_address(p, offsetof(struct ip6_hdr, ip6_dst), a); }
void rewrite_ipv6_hop_limit(std::span<std::uint8_t> p, std::uint8_t v) { p[offsetof(struct ip6_hdr, ip6_hlim)] = v; }
void rewrite_ipv6_next_header(std::span<std::uint8_t> p, std::uint8_t v) { p[offsetof(struct ip6_hdr, ip6_nxt)] = v; }

std::variant<Ipv6Packet, PacketReject> parse_ipv6(std::span<const std::uint8_t> buffer) {
  constexpr std::size_t kHeader = sizeof(struct ip6_hdr);
  if (buffer.size() < kHeader) return PacketReject::Truncated;
  if ((buffer[0] >> 4) != 6) return PacketReject::WrongVersion;
  std::size_t payload_length = load_be16(buffer.data() + offsetof(struct ip6_hdr, ip6_plen));
  if (payload_length == 0 || kHeader + payload_length > buffer.size()) return PacketReject::BadTotalLength;
  return Ipv6Packet(buffer.first(kHeader + payload_length));
}

}  // namespace mosaic::tun
