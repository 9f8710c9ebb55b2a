// Whether bytes hold an IP packet the tun device may carry: IPv4 or IPv6 by the
// version nibble, with a consistent header and length (ipv4_packet,
// ipv6_packet). Tun::Rx and Tun::Tx check every packet with it, so the rules
// and the kernel only ever see well-formed ones.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "packet_reject.hpp"

namespace mosaic::tun {

// nullopt when well formed, else why not.
std::optional<PacketReject> check_ip_packet(std::span<const std::uint8_t> packet);

}  // namespace mosaic::tun
