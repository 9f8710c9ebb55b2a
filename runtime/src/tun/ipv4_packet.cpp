#include "ipv4_packet.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>

#include <cstddef>

#include "byte_order.hpp"
#include "checksum.hpp"

namespace mosaic::tun {
namespace {

// Field offsets from the kernel's header structs rather than hand-written numbers.
constexpr std::size_t kTtl = offsetof(struct iphdr, ttl);
constexpr std::size_t kFragOff = offsetof(struct iphdr, frag_off);
constexpr std::size_t kHeaderChecksum = offsetof(struct iphdr, check);
constexpr std::size_t kSrc = offsetof(struct iphdr, saddr);
constexpr std::size_t kDst = offsetof(struct iphdr, daddr);
constexpr std::size_t kTcpChecksum = offsetof(struct tcphdr, check);
constexpr std::size_t kUdpChecksum = offsetof(struct udphdr, check);

void adjust_checksum_field(std::uint8_t* field, std::uint32_t old_value, std::uint32_t new_value) {
  store_be16(field, checksum_adjust32(load_be16(field), old_value, new_value));
}

}  // namespace

std::uint32_t Ipv4Packet::src() const { return load_be32(bytes_.data() + kSrc); }
std::uint32_t Ipv4Packet::dst() const { return load_be32(bytes_.data() + kDst); }

bool Ipv4Packet::is_first_fragment() const {
  return (load_be16(bytes_.data() + kFragOff) & IP_OFFMASK) == 0;
}

void Ipv4Packet::set_src(std::uint32_t address) { set_address(kSrc, address); }
void Ipv4Packet::set_dst(std::uint32_t address) { set_address(kDst, address); }

void Ipv4Packet::set_address(std::size_t offset, std::uint32_t address) {
  std::uint8_t* field = bytes_.data() + offset;
  std::uint32_t old_address = load_be32(field);
  store_be32(field, address);
  adjust_checksum_field(bytes_.data() + kHeaderChecksum, old_address, address);
  if (!is_first_fragment()) return;

  std::span<std::uint8_t> l4 = payload();
  if (protocol() == IPPROTO_TCP && l4.size() >= kTcpChecksum + 2) {
    adjust_checksum_field(l4.data() + kTcpChecksum, old_address, address);
  } else if (protocol() == IPPROTO_UDP && l4.size() >= kUdpChecksum + 2) {
    std::uint8_t* check = l4.data() + kUdpChecksum;
    if (load_be16(check) == 0) return;  // the sender computed no checksum
    adjust_checksum_field(check, old_address, address);
    // A computed 0 is sent as all ones (RFC 768): 0 would mean "no checksum".
    if (load_be16(check) == 0) store_be16(check, 0xffff);
  }
}

void Ipv4Packet::set_ttl(std::uint8_t ttl) {
  // TTL shares its 16-bit checksum word with the protocol byte.
  std::uint16_t old_word = load_be16(bytes_.data() + kTtl);
  bytes_[kTtl] = ttl;
  std::uint16_t new_word = load_be16(bytes_.data() + kTtl);
  std::uint8_t* check = bytes_.data() + kHeaderChecksum;
  store_be16(check, checksum_adjust(load_be16(check), old_word, new_word));
}

void Ipv4Packet::set_protocol(std::uint8_t protocol) {
  // The protocol shares its 16-bit checksum word with the TTL.
  std::uint16_t old_word = load_be16(bytes_.data() + kTtl);
  bytes_[kTtl + 1] = protocol;
  std::uint16_t new_word = load_be16(bytes_.data() + kTtl);
  std::uint8_t* check = bytes_.data() + kHeaderChecksum;
  store_be16(check, checksum_adjust(load_be16(check), old_word, new_word));
}

std::variant<Ipv4Packet, PacketReject> parse_ipv4(std::span<std::uint8_t> buffer, bool verify_checksum) {
  if (buffer.size() < sizeof(struct iphdr)) return PacketReject::Truncated;
  if ((buffer[0] >> 4) != 4) return PacketReject::WrongVersion;
  std::size_t header_length = static_cast<std::size_t>(buffer[0] & 0x0f) * 4;
  if (header_length < sizeof(struct iphdr) || header_length > buffer.size()) {
    return PacketReject::BadHeaderLength;
  }
  std::size_t total_length = load_be16(buffer.data() + offsetof(struct iphdr, tot_len));
  if (total_length > buffer.size() || total_length < header_length) return PacketReject::BadTotalLength;
  if (verify_checksum && internet_checksum(buffer.first(header_length)) != 0) {
    return PacketReject::BadChecksum;
  }
  return Ipv4Packet(buffer.first(total_length));
}

}  // namespace mosaic::tun
