// The IP packet built-ins (builtins.hpp): the header fields of tun(Pkt, Src,
// Dst, Proto, TTL), read and rewritten on the packet views of tun/.
#include <variant>

#include "mosaic/builtins.hpp"
#include "tun/ipv4_packet.hpp"
#include "tun/ipv6_packet.hpp"

namespace mosaic::builtins {

namespace {

using tun::Ipv4Packet;
using tun::Ipv6Packet;

int version(std::string_view b) { return b.empty() ? 0 : static_cast<unsigned char>(b[0]) >> 4; }

// Calls `v4` or `v6` with a view of the packet; `none` when it is neither.
template <class R, class V4, class V6>
R read(const Bytes& b, R none, V4 v4, V6 v6) {
  if (version(b.str()) == 4) {
    // A read-only use of the mutable view (the packet is not changed).
    std::span<std::uint8_t> bytes(const_cast<std::uint8_t*>(b.span().data()), b.size());
    auto p = tun::parse_ipv4(bytes);
    if (auto* packet = std::get_if<Ipv4Packet>(&p)) return v4(*packet);
  } else if (version(b.str()) == 6) {
    auto p = tun::parse_ipv6(b.span());
    if (auto* packet = std::get_if<Ipv6Packet>(&p)) return v6(*packet);
  }
  return none;
}

// A copy of the packet with `v4` or `v6` applied (by its IP version); the
// packet unchanged when it is neither.
template <class V4, class V6>
Bytes rewrite(const Bytes& b, V4 v4, V6 v6) {
  std::string out = b.str();
  std::span<std::uint8_t> bytes(reinterpret_cast<std::uint8_t*>(out.data()), out.size());
  if (version(out) == 4) {
    auto p = tun::parse_ipv4(bytes);
    if (auto* packet = std::get_if<Ipv4Packet>(&p)) v4(*packet);
  } else if (version(out) == 6) {
    auto p = tun::parse_ipv6(bytes);
    if (std::holds_alternative<Ipv6Packet>(p)) v6(bytes);
  }
  return Bytes(std::move(out));
}
constexpr auto kNoV4 = [](Ipv4Packet&) {};
constexpr auto kNoV6 = [](std::span<std::uint8_t>) {};

}  // namespace

Ip f_ipSrc(const Bytes& packet) {
  return read<Ip>(packet, Ip(), [](const Ipv4Packet& p) { return Ip::v4(p.src()); },
                  [](const Ipv6Packet& p) { return Ip::v6(p.src()); });
}

Ip f_ipDst(const Bytes& packet) {
  return read<Ip>(packet, Ip(), [](const Ipv4Packet& p) { return Ip::v4(p.dst()); },
                  [](const Ipv6Packet& p) { return Ip::v6(p.dst()); });
}

int64_t f_ipProto(const Bytes& packet) {
  return read<int64_t>(packet, 0, [](const Ipv4Packet& p) { return int64_t{p.protocol()}; },
                       [](const Ipv6Packet& p) { return int64_t{p.next_header()}; });
}

int64_t f_ipTtl(const Bytes& packet) {
  return read<int64_t>(packet, 0, [](const Ipv4Packet& p) { return int64_t{p.ttl()}; },
                       [](const Ipv6Packet& p) { return int64_t{p.hop_limit()}; });
}

// An address of the packet's own family is written; one of the other family leaves the packet as it was.
Bytes f_ipSetSrc(const Bytes& packet, const Ip& src) {
  if (src.is_v4()) return rewrite(packet, [&](Ipv4Packet& p) { p.set_src(src.v4_host_order()); }, kNoV6);
  return rewrite(packet, kNoV4, [&](std::span<std::uint8_t> p) { tun::rewrite_ipv6_src(p, src.bytes()); });
}

Bytes f_ipSetDst(const Bytes& packet, const Ip& dst) {
  if (dst.is_v4()) return rewrite(packet, [&](Ipv4Packet& p) { p.set_dst(dst.v4_host_order()); }, kNoV6);
  return rewrite(packet, kNoV4, [&](std::span<std::uint8_t> p) { tun::rewrite_ipv6_dst(p, dst.bytes()); });
}

Bytes f_ipSetProto(const Bytes& packet, int64_t protocol) {
  if (protocol < 0 || protocol > 255) return packet;
  const auto v = static_cast<std::uint8_t>(protocol);
  return rewrite(packet, [&](Ipv4Packet& p) { p.set_protocol(v); },
                 [&](std::span<std::uint8_t> p) { tun::rewrite_ipv6_next_header(p, v); });
}

Bytes f_ipSetTtl(const Bytes& packet, int64_t ttl) {
  if (ttl < 0 || ttl > 255) return packet;
  const auto v = static_cast<std::uint8_t>(ttl);
  return rewrite(packet, [&](Ipv4Packet& p) { p.set_ttl(v); },
                 [&](std::span<std::uint8_t> p) { tun::rewrite_ipv6_hop_limit(p, v); });
}

Ip f_ipNet(const Ip& ip, int64_t length) {
  return ip.network(static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(length, 128))));
}

int64_t f_bytesSize(const Bytes& b) { return static_cast<int64_t>(b.size()); }

}  // namespace mosaic::builtins
