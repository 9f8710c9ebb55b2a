#include "vnet_header.hpp"

#include <netinet/in.h>

#include <cstring>

#include "byte_order.hpp"
#include "checksum.hpp"

namespace mosaic::tun {

namespace {

// virtio_net_hdr fields are little-endian on a tun device (legacy virtio, x86-64 host order).
std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }
void put_le16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

constexpr std::size_t kTcpChecksumOffset = 16;
constexpr std::size_t kUdpChecksumOffset = 6;
constexpr std::size_t kIpv6Header = 40;

}  // namespace

VnetHeader VnetHeader::read(std::span<const std::uint8_t> b) {
  VnetHeader h;
  h.flags = b[0];
  h.gso_type = b[1];
  h.hdr_len = le16(&b[2]);
  h.gso_size = le16(&b[4]);
  h.csum_start = le16(&b[6]);
  h.csum_offset = le16(&b[8]);
  return h;
}

void VnetHeader::write(std::span<std::uint8_t> b) const {
  std::memset(b.data(), 0, b.size());
  b[0] = flags;
  b[1] = gso_type;
  put_le16(&b[2], hdr_len);
  put_le16(&b[4], gso_size);
  put_le16(&b[6], csum_start);
  put_le16(&b[8], csum_offset);
}

bool complete_checksum(std::span<std::uint8_t> packet, const VnetHeader& h) {
  if (!(h.flags & VnetHeader::kNeedsChecksum)) return true;
  std::size_t field = std::size_t{h.csum_start} + h.csum_offset;
  if (h.csum_start >= packet.size() || field + 2 > packet.size()) return false;
  // The field already holds the pseudo-header sum: summing over it finishes the job.
  std::uint16_t sum = checksum_finish(checksum_add(packet.subspan(h.csum_start)));
  // UDP's checksum sits 6 bytes into its header (TCP's at 16): a computed 0
  // goes out as all ones, since 0 would mean "no checksum" (RFC 768).
  if (h.csum_offset == kUdpChecksumOffset && sum == 0) sum = 0xffff;
  store_be16(packet.data() + field, sum);
  return true;
}

TxHeader header_for_write(std::span<const std::uint8_t> packet, int mtu) {
  TxHeader out;
  if (packet.size() <= static_cast<std::size_t>(mtu) || packet.empty()) return out;
  const bool v4 = (packet[0] >> 4) == 4;
  std::size_t ip_header;
  std::uint32_t sum = 0;
  if (v4) {
    ip_header = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
    bool fragment = (load_be16(packet.data() + 6) & 0x3fff) != 0;  // MF or an offset
    if (packet[9] != IPPROTO_TCP || fragment) return out;
    sum = checksum_add(packet.subspan(12, 8));  // source and destination
  } else {
    ip_header = kIpv6Header;
    if (packet.size() < kIpv6Header || packet[6] != IPPROTO_TCP) return out;  // no extension headers
    sum = checksum_add(packet.subspan(8, 32));
  }
  if (packet.size() < ip_header + 20) return out;
  std::size_t tcp_header = static_cast<std::size_t>(packet[ip_header + 12] >> 4) * 4;
  if (tcp_header < 20 || ip_header + tcp_header >= packet.size()) return out;
  std::size_t tcp_length = packet.size() - ip_header;
  sum += IPPROTO_TCP + static_cast<std::uint32_t>(tcp_length & 0xffff) + static_cast<std::uint32_t>(tcp_length >> 16);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);

  out.header.flags = VnetHeader::kNeedsChecksum;
  out.header.gso_type = v4 ? VnetHeader::kGsoTcpV4 : VnetHeader::kGsoTcpV6;
  out.header.hdr_len = static_cast<std::uint16_t>(ip_header + tcp_header);
  out.header.gso_size = static_cast<std::uint16_t>(mtu - static_cast<int>(ip_header + tcp_header));
  out.header.csum_start = static_cast<std::uint16_t>(ip_header);
  out.header.csum_offset = kTcpChecksumOffset;
  out.partial_checksum = static_cast<std::uint16_t>(sum);  // not complemented: segmentation adds each segment's bytes
  return out;
}

}  // namespace mosaic::tun
