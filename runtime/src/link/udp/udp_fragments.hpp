// Datagrams larger than one path-MTU UDP payload (a tun super-packet of up to
// 64 KiB), split into equal-sized fragments of our own instead of being left
// to IP fragmentation. Equal sizes are what UDP GSO asks for: the whole train
// leaves in one sendmsg (UDP_SEGMENT) and, through veth, may arrive in one
// recvmsg (UDP_GRO) as well; a lost fragment loses its datagram, as a lost IP
// fragment would.
//
//   fragment: 'M' 'F' | version u8 = 1 | count u8 | index u8 | pad u8 | id u32 | chunk
//
// Every fragment but the last carries kChunk bytes. The receiver keeps at most
// kMaxPartial datagrams in reassembly per transport, and gives up those older
// than kPartialLife seconds when a new one starts: a sender that starts many
// and finishes none cannot grow its memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "mosaic/addr.hpp"

namespace mosaic {

namespace udp_fragment {
inline constexpr std::size_t kPathPayload = 1500 - 20 - 8;  // one UDP payload on a 1500-byte IPv4 path
inline constexpr std::size_t kHeader = 10;
inline constexpr std::size_t kChunk = kPathPayload - kHeader;
inline constexpr std::size_t kMaxCount = 64;                  // UDP GSO sends at most 64 segments at once
inline constexpr std::size_t kMaxDatagram = kChunk * kMaxCount;
inline constexpr std::size_t kMaxPartial = 64;
inline constexpr double kPartialLife = 1.0;

bool is_fragment(std::string_view datagram);
// The fragments of `datagram`, back to back in `out` (each kPathPayload bytes
// but the last): ready for one UDP GSO send with segment size kPathPayload.
// Returns the number of fragments (0 if the datagram needs none or is too big).
std::size_t split(std::string_view datagram, uint32_t id, std::string& out);
}  // namespace udp_fragment

class Reassembly {
 public:
  // Takes one fragment from `from` at time `now`; returns the whole datagram
  // once its last missing fragment arrived. Malformed fragments are counted
  // and ignored.
  std::optional<std::string> add(const Addr& from, std::string_view fragment, double now);

  std::size_t partial() const { return partial_.size(); }
  uint64_t malformed() const { return malformed_; }
  uint64_t expired() const { return expired_; }  // given up: too old, or evicted for a newer one

 private:
  struct Partial {
    std::string data;        // count * kChunk bytes, trimmed when complete
    uint64_t have = 0;       // one bit per fragment (kMaxCount <= 64)
    std::size_t count = 0;
    std::size_t last_size = 0;
    double started = 0;
  };
  void expire(double now);

  std::map<std::pair<Addr, uint32_t>, Partial> partial_;
  uint64_t malformed_ = 0, expired_ = 0;
};

}  // namespace mosaic
