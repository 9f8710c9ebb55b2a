#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "runtime_tun_packets.hpp"
#include "tun/ipv4_packet.hpp"

using namespace mosaic::tun;
using namespace tun_test;

namespace {

constexpr std::uint32_t kA = 0xc6130001;  // 198.19.0.1
constexpr std::uint32_t kB = 0xc6130002;  // 198.19.0.2

Ipv4Packet parsed(Bytes& p, bool verify = true) {
  auto result = parse_ipv4(p, verify);
  REQUIRE(std::holds_alternative<Ipv4Packet>(result));
  return std::get<Ipv4Packet>(result);
}

PacketReject rejected(Bytes& p, bool verify = false) {
  auto result = parse_ipv4(p, verify);
  REQUIRE(std::holds_alternative<PacketReject>(result));
  return std::get<PacketReject>(result);
}

std::size_t l4_check_field(std::uint8_t proto) { return proto == 6 ? kTcpCheck : kUdpCheck; }

}  // namespace

TEST_CASE("tun ipv4: fields of a valid packet") {
  Bytes p = make_packet(6, kA, kB, 40, 17);
  p.resize(p.size() + 6, 0);  // link padding past the total length
  Ipv4Packet ip = parsed(p);
  CHECK(ip.src() == kA);
  CHECK(ip.dst() == kB);
  CHECK(ip.protocol() == 6);
  CHECK(ip.ttl() == 17);
  CHECK(ip.header_length() == 20);
  CHECK(ip.bytes().size() == 60);
  CHECK(ip.payload().size() == 40);
  CHECK(ip.is_first_fragment());
}

TEST_CASE("tun ipv4: rewriting keeps IP, TCP and UDP checksums equal to recomputation") {
  std::mt19937 rng(2024);
  for (std::uint8_t proto : {std::uint8_t{6}, std::uint8_t{17}}) {
    for (int round = 0; round < 500; ++round) {
      std::size_t size = (proto == 6 ? 20 : 8) + rng() % 200;  // odd sizes too
      Bytes p = make_packet(proto, static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()), size,
                            static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(round));
      REQUIRE(get16(p, 20 + l4_check_field(proto)) != 0);
      Ipv4Packet ip = parsed(p);
      std::uint32_t src = static_cast<std::uint32_t>(rng()), dst = static_cast<std::uint32_t>(rng());
      std::uint8_t ttl = static_cast<std::uint8_t>(rng());
      ip.set_src(src);
      ip.set_dst(dst);
      ip.set_ttl(ttl);
      CHECK(ip.src() == src);
      CHECK(ip.dst() == dst);
      CHECK(ip.ttl() == ttl);
      REQUIRE(get16(p, 10) == expected_ip_checksum(p));
      REQUIRE(get16(p, 20 + l4_check_field(proto)) == expected_l4_checksum(p, l4_check_field(proto)));
    }
  }
}

TEST_CASE("tun ipv4: swapping addresses (an echo reply) keeps the checksums") {
  Bytes p = make_packet(17, kA, kB, 33);
  Ipv4Packet ip = parsed(p);
  ip.set_src(kB);
  ip.set_dst(kA);
  CHECK(get16(p, 10) == expected_ip_checksum(p));
  CHECK(get16(p, 20 + kUdpCheck) == expected_l4_checksum(p, kUdpCheck));
  CHECK(std::holds_alternative<Ipv4Packet>(parse_ipv4(p, true)));
}

TEST_CASE("tun ipv4: a UDP checksum of 0 (none) stays 0; a computed 0 is sent as 0xffff") {
  Bytes p = make_packet(17, kA, kB, 20);
  put16(p, 20 + kUdpCheck, 0);
  parsed(p).set_dst(0x0a000001);
  CHECK(get16(p, 20 + kUdpCheck) == 0);
  CHECK(get16(p, 10) == expected_ip_checksum(p));

  // Find a destination whose correct checksum computes to 0, then rewrite to it.
  Bytes q = make_packet(17, kA, kB, 20);
  std::uint32_t zero_dst = 0;
  for (std::uint32_t low = 0; low <= 0xffff && zero_dst == 0; ++low) {
    Bytes probe = q;
    put32(probe, 16, 0xc6120000 | low);
    put16(probe, 20 + kUdpCheck, 0);
    std::uint32_t sum = pseudo_header_sum(probe);
    if (reference_checksum(probe, 20, probe.size(), sum) == 0) zero_dst = 0xc6120000 | low;
  }
  REQUIRE(zero_dst != 0);
  parsed(q).set_dst(zero_dst);
  CHECK(get16(q, 20 + kUdpCheck) == 0xffff);
}

TEST_CASE("tun ipv4: later fragments carry no transport header, so only the IP checksum changes") {
  Bytes p = make_packet(6, kA, kB, 40);
  put16(p, 6, 0x0010);  // fragment offset 16 * 8 bytes
  put16(p, 10, expected_ip_checksum(p));
  std::uint16_t l4_bytes = get16(p, 20 + kTcpCheck);
  Ipv4Packet ip = parsed(p);
  CHECK_FALSE(ip.is_first_fragment());
  ip.set_src(0x0a000001);
  CHECK(get16(p, 20 + kTcpCheck) == l4_bytes);
  CHECK(get16(p, 10) == expected_ip_checksum(p));
}

TEST_CASE("tun ipv4: packets too short for their transport checksum field are left alone") {
  Bytes p = make_packet(6, kA, kB, 10);  // a TCP "header" of 10 bytes
  Bytes before = p;
  parsed(p).set_dst(kA);
  CHECK(std::equal(p.begin() + 20, p.end(), before.begin() + 20));
  CHECK(get16(p, 10) == expected_ip_checksum(p));
}

TEST_CASE("tun ipv4: malformed packets are rejected with their reason") {
  Bytes good = make_packet(17, kA, kB, 20);

  Bytes empty;
  CHECK(rejected(empty) == PacketReject::Truncated);
  Bytes short_header(good.begin(), good.begin() + 19);
  CHECK(rejected(short_header) == PacketReject::Truncated);

  Bytes v6 = good;
  v6[0] = 0x65;
  CHECK(rejected(v6) == PacketReject::WrongVersion);
  Bytes v0 = good;
  v0[0] = 0x05;
  CHECK(rejected(v0) == PacketReject::WrongVersion);

  Bytes ihl4 = good;
  ihl4[0] = 0x44;
  CHECK(rejected(ihl4) == PacketReject::BadHeaderLength);
  Bytes ihl15 = good;  // 60-byte header in a 48-byte buffer
  ihl15[0] = 0x4f;
  CHECK(rejected(ihl15) == PacketReject::BadHeaderLength);

  Bytes too_long = good;
  put16(too_long, 2, static_cast<std::uint16_t>(good.size() + 1));
  CHECK(rejected(too_long) == PacketReject::BadTotalLength);
  Bytes cut = good;
  cut.pop_back();  // the buffer lost a byte the header counts
  CHECK(rejected(cut) == PacketReject::BadTotalLength);
  Bytes below_header = good;
  put16(below_header, 2, 19);
  CHECK(rejected(below_header) == PacketReject::BadTotalLength);
  Bytes ihl6 = good;  // 24-byte header, total length 20
  ihl6[0] = 0x46;
  put16(ihl6, 2, 20);
  CHECK(rejected(ihl6) == PacketReject::BadTotalLength);

  Bytes corrupt = good;
  corrupt[8] ^= 1;
  CHECK(rejected(corrupt, true) == PacketReject::BadChecksum);
  CHECK(std::holds_alternative<Ipv4Packet>(parse_ipv4(corrupt, false)));
  CHECK(std::holds_alternative<Ipv4Packet>(parse_ipv4(good, true)));
}

TEST_CASE("tun ipv4: every rejection reason has its own name") {
  CHECK(to_string(PacketReject::Truncated) == "truncated");
  CHECK(to_string(PacketReject::WrongVersion) == "wrong version");
  CHECK(to_string(PacketReject::BadHeaderLength) == "bad header length");
  CHECK(to_string(PacketReject::BadTotalLength) == "bad total length");
  CHECK(to_string(PacketReject::BadChecksum) == "bad header checksum");
}
