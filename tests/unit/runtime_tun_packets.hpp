// Test helpers for runtime_tun_*: IPv4/TCP/UDP/ICMP packets built field by
// field, and a byte-at-a-time reference checksum written independently of
// runtime/src/tun/checksum.cpp, so the two can disagree.
#pragma once

#include <cstdint>
#include <vector>

namespace tun_test {

using Bytes = std::vector<std::uint8_t>;

inline std::uint16_t get16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }
inline void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
inline void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<std::uint16_t>(v));
}

// RFC 1071 the slow way: 16-bit big-endian words, carries folded at the end.
inline std::uint16_t reference_checksum(const Bytes& b, std::size_t from, std::size_t to, std::uint32_t sum = 0) {
  for (std::size_t i = from; i < to; i += 2) sum += (b[i] << 8) | (i + 1 < to ? b[i + 1] : 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

inline std::uint32_t pseudo_header_sum(const Bytes& p) {
  std::size_t ihl = (p[0] & 0x0f) * 4;
  std::uint32_t sum = 0;
  for (std::size_t i = 12; i < 20; i += 2) sum += get16(p, i);
  return sum + p[9] + static_cast<std::uint32_t>(get16(p, 2) - ihl);
}

// The checksums a sender would compute for packet `p` as it stands now.
inline std::uint16_t expected_ip_checksum(Bytes p) {
  put16(p, 10, 0);
  return reference_checksum(p, 0, (p[0] & 0x0f) * 4);
}
inline std::uint16_t expected_l4_checksum(Bytes p, std::size_t field) {
  std::size_t ihl = (p[0] & 0x0f) * 4;
  put16(p, ihl + field, 0);
  std::uint16_t c = reference_checksum(p, ihl, get16(p, 2), pseudo_header_sum(p));
  return (p[9] == 17 && c == 0) ? 0xffff : c;
}

constexpr std::size_t kTcpCheck = 16, kUdpCheck = 6, kIcmpCheck = 2;

// An IPv4 packet of protocol `proto` with `payload_size` transport bytes
// (a transport header plus pattern bytes), every checksum correct.
inline Bytes make_packet(std::uint8_t proto, std::uint32_t src, std::uint32_t dst, std::size_t payload_size,
                         std::uint8_t ttl = 64, std::uint8_t seed = 1) {
  Bytes p(20 + payload_size);
  p[0] = 0x45;
  put16(p, 2, static_cast<std::uint16_t>(p.size()));
  put16(p, 4, 0x1234);  // identification
  put16(p, 6, 0x4000);  // DF
  p[8] = ttl;
  p[9] = proto;
  put32(p, 12, src);
  put32(p, 16, dst);
  for (std::size_t i = 20; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 7 + seed);
  if (proto == 6 && payload_size >= 20) {
    p[20 + 12] = 0x50;  // data offset 5
    put16(p, 20 + kTcpCheck, expected_l4_checksum(p, kTcpCheck));
  } else if (proto == 17 && payload_size >= 8) {
    put16(p, 20 + 4, static_cast<std::uint16_t>(payload_size));
    put16(p, 20 + kUdpCheck, expected_l4_checksum(p, kUdpCheck));
  } else if (proto == 1 && payload_size >= 8) {
    p[20] = 8;  // echo request
    p[21] = 0;
    put16(p, 20 + kIcmpCheck, 0);
    put16(p, 20 + kIcmpCheck, reference_checksum(p, 20, p.size()));
  }
  put16(p, 10, expected_ip_checksum(p));
  return p;
}

}  // namespace tun_test
