#include "ip_packet.hpp"

#include <variant>

#include "ipv4_packet.hpp"
#include "ipv6_packet.hpp"

namespace mosaic::tun {

std::optional<PacketReject> check_ip_packet(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return PacketReject::Truncated;
  switch (packet[0] >> 4) {
    case 4: {
      // parse_ipv4 takes a mutable view (its packets can be rewritten); it writes nothing.
      std::span<std::uint8_t> bytes(const_cast<std::uint8_t*>(packet.data()), packet.size());
      auto parsed = parse_ipv4(bytes);
      if (auto* reject = std::get_if<PacketReject>(&parsed)) return *reject;
      // The kernel would drop a packet whose length disagrees; say so here instead.
      if (std::get<Ipv4Packet>(parsed).bytes().size() != packet.size()) return PacketReject::BadTotalLength;
      return std::nullopt;
    }
    case 6: {
      auto parsed = parse_ipv6(packet);
      if (auto* reject = std::get_if<PacketReject>(&parsed)) return *reject;
      return std::nullopt;
    }
    default: return PacketReject::WrongVersion;
  }
}

}  // namespace mosaic::tun
