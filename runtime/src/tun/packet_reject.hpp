// Why a packet read from tun (or received for writing to it) was not accepted as
// an IP packet: the node drops it and counts it under this reason.
#pragma once

#include <string_view>

namespace mosaic::tun {

enum class PacketReject {
  Truncated,        // shorter than the fixed header
  WrongVersion,     // not the IP version asked for
  BadHeaderLength,  // IPv4 IHL < 5, or the header runs past the buffer or the total length
  BadTotalLength,   // the header's length field disagrees with the buffer
  BadChecksum,      // IPv4 header checksum wrong (only when asked to verify)
};

std::string_view to_string(PacketReject reason);

}  // namespace mosaic::tun
