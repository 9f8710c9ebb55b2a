// The virtio_net_hdr that leads every read and write of a tun device opened
// with IFF_VNET_HDR: how the kernel segmented (or will segment) the packet and
// whether its transport checksum is still to be completed. With TSO on the
// device one read returns a TCP "super-packet" of up to 64 KiB; the rules then
// run once per super-packet instead of once per MTU-sized segment.
//
// Tun::Rx completes every partial checksum, so the rules and the network only
// ever see whole, valid IP packets; Tun::Tx asks the kernel to segment a TCP
// packet larger than the device MTU (and makes its checksum partial again, as
// segmentation needs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mosaic::tun {

struct VnetHeader {
  static constexpr std::uint8_t kNeedsChecksum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr std::uint8_t kGsoNone = 0, kGsoTcpV4 = 1, kGsoUdp = 3, kGsoTcpV6 = 4, kGsoEcn = 0x80;
  static constexpr std::size_t kSize = 10;  // the fields below; the device may use a larger header (zeros after)

  std::uint8_t flags = 0;
  std::uint8_t gso_type = kGsoNone;
  std::uint16_t hdr_len = 0;
  std::uint16_t gso_size = 0;
  std::uint16_t csum_start = 0;
  std::uint16_t csum_offset = 0;

  static VnetHeader read(std::span<const std::uint8_t> bytes);  // bytes.size() >= kSize
  void write(std::span<std::uint8_t> bytes) const;              // zero-fills past kSize
};

// Tun::Rx: finishes a checksum the kernel left partial (kNeedsChecksum): the
// field at csum_start + csum_offset holds the pseudo-header sum. False when the
// offsets do not fit the packet (it is then dropped as malformed).
bool complete_checksum(std::span<std::uint8_t> packet, const VnetHeader& header);

// Tun::Tx: the header to write `packet` (a whole, valid IP packet) with on a
// device of `mtu`. A TCP packet larger than the MTU is handed over for
// segmentation (TSO), its checksum made partial again: `partial_checksum` is
// then the value for the TCP checksum field, at `packet` offset csum_start +
// csum_offset. Anything else gets the empty header.
struct TxHeader {
  VnetHeader header;
  std::optional<std::uint16_t> partial_checksum;
};
TxHeader header_for_write(std::span<const std::uint8_t> packet, int mtu);

}  // namespace mosaic::tun
