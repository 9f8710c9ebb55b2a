#include "tun_tx.hpp"

#include <string>

#include "ip_packet.hpp"
#include "vnet_header.hpp"
#include "mosaic/log.hpp"

namespace mosaic::tun {

int Tx::write_to_device(std::span<const std::uint8_t> packet) {
  const std::size_t vnet = device_->vnet_header_size();
  if (vnet == 0) return device_->write(packet);
  // A TCP packet larger than the device MTU (a super-packet another node's
  // Tun::Rx read) is segmented by the kernel; its checksum field must then
  // hold the pseudo-header sum, given as a piece of its own instead of
  // copying the packet to change two bytes.
  TxHeader tx = header_for_write(packet, device_->mtu());
  std::uint8_t header[64];
  if (vnet > sizeof header) return EINVAL;
  tx.header.write(std::span(header, vnet));
  auto piece = [](const void* p, std::size_t n) { return iovec{const_cast<void*>(p), n}; };
  if (!tx.partial_checksum) {
    iovec pieces[] = {piece(header, vnet), piece(packet.data(), packet.size())};
    return device_->write_gather(pieces);
  }
  std::size_t field = std::size_t{tx.header.csum_start} + tx.header.csum_offset;
  std::uint8_t checksum[2] = {static_cast<std::uint8_t>(*tx.partial_checksum >> 8),
                              static_cast<std::uint8_t>(*tx.partial_checksum)};
  iovec pieces[] = {piece(header, vnet), piece(packet.data(), field), piece(checksum, 2),
                    piece(packet.data() + field + 2, packet.size() - field - 2)};
  return device_->write_gather(pieces);
}

void Tx::write(const Bytes& packet) {
  if (!device_) {
    ++stats_->no_device;
    return;
  }
  if (auto reject = check_ip_packet(packet.span())) {
    ++stats_->write_malformed;
    if (log_enabled(LogLevel::Debug))
      log(LogLevel::Debug, "tun: dropped a packet for the device: " + std::string(to_string(*reject)));
    return;
  }
  // Non-blocking: a full device queue drops the packet, as a router would;
  // the application's transport recovers.
  if (write_to_device(packet.span()) != 0) ++stats_->write_failed;
  else ++stats_->written;
}

}  // namespace mosaic::tun
