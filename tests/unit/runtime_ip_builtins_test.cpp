// The IP packet built-ins behind tun(Pkt, Src, Dst, Proto, TTL): reading the
// header, rewriting it with every checksum still right, and leaving bytes that
// are no IP packet alone.
#include <doctest/doctest.h>

#include "mosaic/builtins.hpp"
#include "runtime_tun_packets.hpp"

using namespace mosaic;
using namespace mosaic::builtins;

namespace {

constexpr std::uint32_t kA = 0xc6130001;  // 198.19.0.1
constexpr std::uint32_t kB = 0xc6130002;  // 198.19.0.2

mosaic::Bytes as_bytes(const tun_test::Bytes& p) { return mosaic::Bytes(p.data(), p.size()); }
tun_test::Bytes as_vector(const mosaic::Bytes& b) { return {b.str().begin(), b.str().end()}; }

void check_checksums(const tun_test::Bytes& p) {
  CHECK(tun_test::get16(p, 10) == tun_test::expected_ip_checksum(p));
  if (p[9] == 6) CHECK(tun_test::get16(p, 20 + tun_test::kTcpCheck) == tun_test::expected_l4_checksum(p, tun_test::kTcpCheck));
  if (p[9] == 17) CHECK(tun_test::get16(p, 20 + tun_test::kUdpCheck) == tun_test::expected_l4_checksum(p, tun_test::kUdpCheck));
}

}  // namespace

TEST_CASE("ip built-ins: the header fields of an IPv4 packet") {
  mosaic::Bytes p = as_bytes(tun_test::make_packet(17, kA, kB, 40, 61));
  CHECK(f_ipSrc(p).to_string() == "198.19.0.1");
  CHECK(f_ipDst(p).to_string() == "198.19.0.2");
  CHECK(f_ipProto(p) == 17);
  CHECK(f_ipTtl(p) == 61);
  CHECK(f_bytesSize(p) == 60);
}

TEST_CASE("ip built-ins: rewriting addresses, TTL and protocol keeps every checksum right") {
  for (std::uint8_t proto : {6, 17, 1}) {
    CAPTURE(int(proto));
    mosaic::Bytes p = as_bytes(tun_test::make_packet(proto, kA, kB, 64));
    mosaic::Bytes q = f_ipSetTtl(f_ipSetDst(f_ipSetSrc(p, *Ip::parse("198.19.7.7")), *Ip::parse("198.19.8.8")), 9);
    CHECK(f_ipSrc(q).to_string() == "198.19.7.7");
    CHECK(f_ipDst(q).to_string() == "198.19.8.8");
    CHECK(f_ipTtl(q) == 9);
    check_checksums(as_vector(q));
    CHECK(f_ipSrc(p).to_string() == "198.19.0.1");  // the original is a value: unchanged
  }
  mosaic::Bytes p = as_bytes(tun_test::make_packet(17, kA, kB, 16));
  tun_test::Bytes q = as_vector(f_ipSetProto(p, 253));
  CHECK(q[9] == 253);
  CHECK(tun_test::get16(q, 10) == tun_test::expected_ip_checksum(q));
}

TEST_CASE("ip built-ins: bytes that are no IP packet read as zero values and are left as they are") {
  mosaic::Bytes junk(std::string("\x45\x00\x00", 3));  // an IPv4 header cut short
  CHECK(f_ipSrc(junk) == Ip());
  CHECK(f_ipProto(junk) == 0);
  CHECK(f_ipSetSrc(junk, *Ip::parse("1.2.3.4")) == junk);
  CHECK(f_ipSetTtl(mosaic::Bytes(), 3) == mosaic::Bytes());
  // Out-of-range values and the other family change nothing.
  mosaic::Bytes p = as_bytes(tun_test::make_packet(6, kA, kB, 20));
  CHECK(f_ipSetTtl(p, 256) == p);
  CHECK(f_ipSetTtl(p, -1) == p);
  CHECK(f_ipSetProto(p, 300) == p);
  CHECK(f_ipSetSrc(p, *Ip::parse("fd00::1")) == p);
}

namespace {

// An IPv6 UDP or TCP packet from fd00::1 to fd00::2 with `payload` transport bytes, checksum computed here.
tun_test::Bytes make_v6(std::uint8_t proto, std::size_t payload) {
  tun_test::Bytes p(40 + payload, 0);
  p[0] = 0x60;
  tun_test::put16(p, 4, static_cast<std::uint16_t>(payload));
  p[6] = proto;
  p[7] = 64;
  p[8] = 0xfd, p[23] = 1;
  p[24] = 0xfd, p[39] = 2;
  for (std::size_t i = 40 + 20; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 7);
  if (proto == 17) tun_test::put16(p, 44, static_cast<std::uint16_t>(payload));  // UDP length
  return p;
}

// The transport checksum a sender computes: over the IPv6 pseudo-header and the payload.
std::uint16_t v6_checksum(tun_test::Bytes p, std::size_t field) {
  tun_test::put16(p, 40 + field, 0);
  std::uint32_t sum = 0;
  for (std::size_t i = 8; i < 40; i += 2) sum += tun_test::get16(p, i);
  sum += static_cast<std::uint32_t>(p.size() - 40) + p[6];
  std::uint16_t c = tun_test::reference_checksum(p, 40, p.size(), sum);
  return (p[6] == 17 && c == 0) ? 0xffff : c;
}

}  // namespace

TEST_CASE("ip built-ins: rewriting an IPv6 packet keeps its TCP/UDP checksum right") {
  for (std::uint8_t proto : {6, 17}) {
    CAPTURE(int(proto));
    std::size_t field = proto == 6 ? tun_test::kTcpCheck : tun_test::kUdpCheck;
    tun_test::Bytes raw = make_v6(proto, 300);
    tun_test::put16(raw, 40 + field, v6_checksum(raw, field));
    mosaic::Bytes q = f_ipSetTtl(f_ipSetDst(f_ipSetSrc(as_bytes(raw), *Ip::parse("fd00::7:7")), *Ip::parse("fd00::8:8")), 9);
    tun_test::Bytes out = as_vector(q);
    CHECK(f_ipSrc(q).to_string() == "fd00::7:7");
    CHECK(f_ipDst(q).to_string() == "fd00::8:8");
    CHECK(f_ipTtl(q) == 9);
    CHECK(tun_test::get16(out, 40 + field) == v6_checksum(out, field));
    CHECK(f_ipSetSrc(q, *Ip::parse("1.2.3.4")) == q);  // the other family: unchanged
  }
}

TEST_CASE("ip built-ins: IPv6 headers are read") {
  tun_test::Bytes p(48, 0);
  p[0] = 0x60;
  tun_test::put16(p, 4, 8);  // payload length
  p[6] = 17;                 // next header
  p[7] = 33;                 // hop limit
  p[8] = 0xfd, p[23] = 1;    // src fd00::1
  p[24] = 0xfd, p[39] = 2;   // dst fd00::2
  mosaic::Bytes b = as_bytes(p);
  CHECK(f_ipSrc(b).to_string() == "fd00::1");
  CHECK(f_ipDst(b).to_string() == "fd00::2");
  CHECK(f_ipProto(b) == 17);
  CHECK(f_ipTtl(b) == 33);
  CHECK(f_ipTtl(f_ipSetTtl(b, 3)) == 3);
}

TEST_CASE("f_sha1 of an ip hashes its text, as i3_tun's keys do") {
  CHECK(f_sha1(*Ip::parse("198.19.0.2")) == f_sha1(std::string("198.19.0.2")));
}
