// Tun::Tx and the packet check both tun elements apply: only well-formed IPv4
// and IPv6 packets reach the device; the rest are dropped and counted.
#include <doctest/doctest.h>

#include "runtime_tun_packets.hpp"
#include "tun/ip_packet.hpp"
#include "tun/tun_tx.hpp"
#include "tun/vnet_header.hpp"

#include <cstring>

using namespace mosaic::tun;

TEST_CASE("check_ip_packet: well-formed IPv4 and IPv6 pass; truncated, wrong version and bad lengths do not") {
  tun_test::Bytes v4 = tun_test::make_packet(17, 0xc6130001, 0xc6130002, 20);
  CHECK_FALSE(check_ip_packet(v4));
  tun_test::Bytes v6(48, 0);
  v6[0] = 0x60;
  tun_test::put16(v6, 4, 8);
  CHECK_FALSE(check_ip_packet(v6));

  CHECK(check_ip_packet({}) == PacketReject::Truncated);
  CHECK(check_ip_packet(std::span(v4).first(10)) == PacketReject::Truncated);
  tun_test::Bytes bad = v4;
  bad[0] = 0x55;
  CHECK(check_ip_packet(bad) == PacketReject::WrongVersion);
  bad = v4;
  bad[0] = 0x43;  // IHL 3
  CHECK(check_ip_packet(bad) == PacketReject::BadHeaderLength);
  bad = v4;
  tun_test::put16(bad, 2, 200);  // longer than the bytes
  CHECK(check_ip_packet(bad) == PacketReject::BadTotalLength);
  bad = v4;
  bad.push_back(0);  // a trailing byte the header does not count
  CHECK(check_ip_packet(bad) == PacketReject::BadTotalLength);
  tun_test::Bytes short6 = v6;
  tun_test::put16(short6, 4, 100);
  CHECK(check_ip_packet(short6).has_value());
}

TEST_CASE("Tun::Tx without a device counts every packet as no_device") {
  TunStats stats;
  Tx tx(nullptr, stats);
  tun_test::Bytes v4 = tun_test::make_packet(17, 0xc6130001, 0xc6130002, 20);
  tx.write(mosaic::Bytes(v4.data(), v4.size()));
  tx.write(mosaic::Bytes(std::string("junk")));
  CHECK(stats.no_device == 2);
  CHECK(stats.written == 0);
}

TEST_CASE("vnet header: fields round-trip little-endian; bytes past the fields are zero") {
  VnetHeader h;
  h.flags = VnetHeader::kNeedsChecksum;
  h.gso_type = VnetHeader::kGsoTcpV4;
  h.hdr_len = 52, h.gso_size = 1356, h.csum_start = 20, h.csum_offset = 16;
  std::uint8_t bytes[12];
  std::memset(bytes, 0xaa, sizeof bytes);
  h.write(bytes);
  CHECK(bytes[4] == (1356 & 0xff));
  CHECK(bytes[5] == (1356 >> 8));
  CHECK(bytes[10] == 0);
  CHECK(bytes[11] == 0);
  VnetHeader back = VnetHeader::read(bytes);
  CHECK(back.gso_size == 1356);
  CHECK(back.csum_start == 20);
  CHECK(back.csum_offset == 16);
  CHECK(back.hdr_len == 52);
}

TEST_CASE("vnet header: a partial TCP/UDP checksum is completed to the one a sender computes") {
  for (std::uint8_t proto : {6, 17}) {
    CAPTURE(int(proto));
    std::size_t field = proto == 6 ? tun_test::kTcpCheck : tun_test::kUdpCheck;
    tun_test::Bytes p = tun_test::make_packet(proto, 0xc6130001, 0xc6130002, 3000);
    std::uint16_t want = tun_test::get16(p, 20 + field);
    // What the kernel hands over with NEEDS_CSUM: the folded pseudo-header sum, not complemented.
    tun_test::put16(p, 20 + field, static_cast<std::uint16_t>(~tun_test::reference_checksum({}, 0, 0, tun_test::pseudo_header_sum(p))));
    VnetHeader h;
    h.flags = VnetHeader::kNeedsChecksum;
    h.csum_start = 20;
    h.csum_offset = static_cast<std::uint16_t>(field);
    REQUIRE(complete_checksum(p, h));
    CHECK(tun_test::get16(p, 20 + field) == want);
    h.csum_start = static_cast<std::uint16_t>(p.size());  // offsets past the packet: refused
    CHECK_FALSE(complete_checksum(p, h));
  }
}

TEST_CASE("vnet header: a TCP packet over the MTU is written for segmentation, with a partial checksum") {
  tun_test::Bytes p = tun_test::make_packet(6, 0xc6130001, 0xc6130002, 20000);
  TxHeader tx = header_for_write(p, 1408);
  CHECK(tx.header.gso_type == VnetHeader::kGsoTcpV4);
  CHECK(tx.header.flags == VnetHeader::kNeedsChecksum);
  CHECK(tx.header.csum_start == 20);
  CHECK(tx.header.csum_offset == 16);
  CHECK(tx.header.hdr_len == 40);
  CHECK(tx.header.gso_size == 1408 - 40);
  REQUIRE(tx.partial_checksum);
  // Completing the partial sum gives back the packet's real checksum.
  tun_test::Bytes q = p;
  tun_test::put16(q, 20 + tun_test::kTcpCheck, *tx.partial_checksum);
  REQUIRE(complete_checksum(q, tx.header));
  CHECK(q == p);

  CHECK(header_for_write(tun_test::make_packet(6, 1, 2, 1000), 1408).header.gso_type == VnetHeader::kGsoNone);
  CHECK(header_for_write(tun_test::make_packet(17, 1, 2, 20000), 1408).header.gso_type == VnetHeader::kGsoNone);
  CHECK_FALSE(header_for_write(tun_test::make_packet(17, 1, 2, 20000), 1408).partial_checksum);
}
