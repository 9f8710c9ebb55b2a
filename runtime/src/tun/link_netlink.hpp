// Link settings the interface ioctls do not reach, set over rtnetlink.
#pragma once

#include <cstdint>
#include <string>

namespace mosaic::tun {

// The largest GSO packet the kernel builds for device `name` (IFLA_GSO_MAX_SIZE):
// Tun::Rx's TCP super-packets must fit one UDP datagram. "" or what failed.
std::string set_gso_max_size(const std::string& name, std::uint32_t size);

}  // namespace mosaic::tun
