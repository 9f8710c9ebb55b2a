#include <doctest/doctest.h>

#include "runtime_tun_packets.hpp"
#include "tun/ipv6_packet.hpp"

using namespace mosaic::tun;
using namespace tun_test;

namespace {

// 2001:db8::1 -> 2001:db8::2, UDP, hop limit 9, `payload` bytes after the fixed header.
Bytes make_ipv6(std::size_t payload) {
  Bytes p(40 + payload);
  p[0] = 0x60;
  put16(p, 4, static_cast<std::uint16_t>(payload));
  p[6] = 17;
  p[7] = 9;
  for (std::size_t at : {8u, 24u}) put32(p, at, 0x20010db8);
  p[23] = 1;
  p[39] = 2;
  return p;
}

}  // namespace

TEST_CASE("tun ipv6: addresses, next header and hop limit") {
  Bytes p = make_ipv6(12);
  p.push_back(0);  // padding beyond the payload length
  auto result = parse_ipv6(p);
  REQUIRE(std::holds_alternative<Ipv6Packet>(result));
  const Ipv6Packet& ip = std::get<Ipv6Packet>(result);
  CHECK(ip.src() == Ipv6Address{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(ip.dst() == Ipv6Address{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
  CHECK(ip.next_header() == 17);
  CHECK(ip.hop_limit() == 9);
  CHECK(ip.bytes().size() == 52);
}

TEST_CASE("tun ipv6: malformed packets are rejected with their reason") {
  auto reason = [](const Bytes& p) {
    auto result = parse_ipv6(p);
    REQUIRE(std::holds_alternative<PacketReject>(result));
    return std::get<PacketReject>(result);
  };
  Bytes p = make_ipv6(8);
  CHECK(reason(Bytes(p.begin(), p.begin() + 39)) == PacketReject::Truncated);
  Bytes v4 = p;
  v4[0] = 0x45;
  CHECK(reason(v4) == PacketReject::WrongVersion);
  Bytes cut(p.begin(), p.end() - 1);
  CHECK(reason(cut) == PacketReject::BadTotalLength);
  Bytes jumbo = p;
  put16(jumbo, 4, 0);
  CHECK(reason(jumbo) == PacketReject::BadTotalLength);
}
