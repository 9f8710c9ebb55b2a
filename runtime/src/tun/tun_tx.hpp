// Tun::Tx (paper §5.3, Figure 4): a tun tuple that lands at this node is an IP
// packet for its tun device. Checked before it is written, so a malformed
// packet from the network is dropped and counted here, not by the kernel.
#pragma once

#include "mosaic/bytes.hpp"
#include "tun_device.hpp"
#include "tun_stats.hpp"

namespace mosaic::tun {

class Tx {
 public:
  // `device` may be null (the node has no --tun): every packet is then counted as no_device.
  Tx(TunDevice* device, TunStats& stats) : device_(device), stats_(&stats) {}

  void write(const Bytes& packet);

 private:
  int write_to_device(std::span<const std::uint8_t> packet);  // 0 or an errno

  TunDevice* device_;
  TunStats* stats_;
};

}  // namespace mosaic::tun
