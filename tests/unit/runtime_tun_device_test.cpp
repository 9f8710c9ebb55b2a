// What can be checked without creating a device; tests/netns/test_tun_device.py
// checks real devices inside a network namespace.
#include <doctest/doctest.h>

#include <linux/if_tun.h>

#include "tun/tun_device.hpp"

using namespace mosaic::tun;

TEST_CASE("tun device: the default MTU leaves room for our encapsulation in 1500 bytes") {
  CHECK(kDefaultTunMtu == 1408);
  CHECK(kDefaultTunMtu + kEncapsulationOverhead + kOuterUdpHeader + kOuterIpv4Header == kPathMtu);
}

TEST_CASE("tun device: bad configurations are refused before anything is created") {
  TunDevice tun;
  TunError error;
  CHECK_FALSE(tun.open(TunConfig{.name = "a-name-over-15-chars"}, error));
  CHECK(error.message.find("longer than 15") != std::string::npos);
  CHECK_FALSE(tun.is_open());
  CHECK_FALSE(tun.open(TunConfig{.name = "mz0", .address = 0xc6130001, .prefix_length = 33}, error));
  CHECK(error.message.find("prefix length 33") != std::string::npos);
  CHECK_FALSE(tun.is_open());
}

TEST_CASE("tun device: offloads are named") {
  CHECK(describe_offloads(0) == "none");
  CHECK(describe_offloads(TUN_F_CSUM) == "csum");
  CHECK(describe_offloads(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) == "csum,tso4,tso6");
}

TEST_CASE("tun device: a packet batch keeps headroom in front of every packet") {
  PacketBatch batch(3, 100, 16);
  CHECK(batch.capacity() == 3);
  for (std::uint8_t i = 0; i < 3; ++i) {
    REQUIRE_FALSE(batch.full());
    auto buffer = batch.next_buffer();
    CHECK(buffer.size() == 100);
    buffer[0] = i;
    batch.commit(10u + i);
  }
  CHECK(batch.full());
  for (std::uint8_t i = 0; i < 3; ++i) {
    CHECK(batch.packet(i).size() == 10u + i);
    CHECK(batch.packet(i)[0] == i);
    auto framed = batch.packet_with_prefix(i, 16);
    CHECK(framed.size() == 26u + i);
    CHECK(framed.data() + 16 == batch.packet(i).data());
  }
  CHECK(batch.packet(1).data() - batch.packet(0).data() == 116);
  batch.clear();
  CHECK(batch.size() == 0);
}
