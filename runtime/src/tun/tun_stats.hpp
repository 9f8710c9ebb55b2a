// What the tun data plane counts (reported under "tun" in --stats).
#pragma once

#include <cstdint>

namespace mosaic::tun {

struct TunStats {
  uint64_t read = 0;            // Tun::Rx: packets read from the device and handed to the rules
  uint64_t read_malformed = 0;  // Tun::Rx: not an IPv4 or IPv6 packet (dropped)
  uint64_t read_unused = 0;     // Tun::Rx: no rule reads tun (dropped)
  uint64_t written = 0;         // Tun::Tx: packets written to the device
  uint64_t write_malformed = 0; // Tun::Tx: not an IPv4 or IPv6 packet (dropped)
  uint64_t write_failed = 0;    // Tun::Tx: the device refused it (queue full, device gone)
  uint64_t no_device = 0;       // Tun::Tx: a tun tuple reached a node started without --tun
};

}  // namespace mosaic::tun
