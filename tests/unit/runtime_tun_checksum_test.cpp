#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "runtime_tun_packets.hpp"
#include "tun/checksum.hpp"

using namespace mosaic::tun;
using namespace tun_test;

TEST_CASE("tun checksum: known values") {
  // RFC 1071 §3's example: the words sum to 0xddf2.
  Bytes rfc{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(checksum_add(rfc) == 0xddf2);
  CHECK(internet_checksum(rfc) == 0x220d);
  // A captured IPv4/UDP header whose checksum field (0xb861) is correct.
  Bytes header{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
               0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  CHECK(internet_checksum(header) == 0);
  header[10] = header[11] = 0;
  CHECK(internet_checksum(header) == 0xb861);
  CHECK(internet_checksum(Bytes{}) == 0xffff);
  CHECK(internet_checksum(Bytes{0xab}) == static_cast<std::uint16_t>(~0xab00));
}

TEST_CASE("tun checksum: every length and alignment agrees with the reference") {
  std::mt19937 rng(12);
  Bytes data(300);
  for (int round = 0; round < 20; ++round) {
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    if (round == 0) std::fill(data.begin(), data.end(), 0xff);  // maximal carries
    for (std::size_t from = 0; from < 4; ++from) {
      for (std::size_t to = from; to <= data.size(); ++to) {
        std::span<const std::uint8_t> part(data.data() + from, to - from);
        REQUIRE(internet_checksum(part) == reference_checksum(data, from, to));
      }
    }
  }
}

TEST_CASE("tun checksum: a running sum continues across pieces of even length") {
  Bytes data(101);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13);
  std::span<const std::uint8_t> all(data);
  std::uint32_t sum = checksum_add(all.first(40));
  sum = checksum_add(all.subspan(40), sum);
  CHECK(checksum_finish(sum) == reference_checksum(data, 0, data.size()));
  CHECK(checksum_finish(checksum_add(all, 0x1234)) == reference_checksum(data, 0, data.size(), 0x1234));
}

TEST_CASE("tun checksum: incremental updates equal recomputation (RFC 1624)") {
  std::mt19937 rng(7);
  Bytes data(64);
  for (int round = 0; round < 2000; ++round) {
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    std::uint16_t before = reference_checksum(data, 0, data.size());
    std::size_t at = 2 * (rng() % 30);
    std::uint32_t old_value = static_cast<std::uint32_t>(get16(data, at)) << 16 | get16(data, at + 2);
    std::uint32_t new_value = round % 5 == 0 ? 0 : static_cast<std::uint32_t>(rng());
    put32(data, at, new_value);
    REQUIRE(checksum_adjust32(before, old_value, new_value) == reference_checksum(data, 0, data.size()));
  }
}
