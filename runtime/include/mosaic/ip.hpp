// IP addresses (Mozlog type `ip`): the source and destination of a packet the
// `tun` predicate carries, and the keys of tun address mappings. Distinct from
// `addr`, which names a node (IP *and* port, or an overlay node): an ip is
// never a place a tuple can be sent.
//
// IPv4 and IPv6. Literal form: "198.19.0.2", "fd00::2". A string literal used
// where an ip is expected must read as one (mozc checks it).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic {

class Ip {
 public:
  Ip() = default;  // 0.0.0.0
  static Ip v4(std::uint32_t host_order);
  static Ip v6(const std::array<std::uint8_t, 16>& bytes);
  static std::optional<Ip> parse(std::string_view text);

  bool is_v4() const { return family_ == 4; }
  std::uint32_t v4_host_order() const;  // IPv4 only
  // IPv6: the 16 bytes; IPv4: its 4 bytes first, the rest zero.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

  // The first `length` bits of this address, the rest cleared (length clamped
  // to the family's width): a prefix to look up in a table of networks.
  Ip network(int length) const;

  std::string to_string() const;
  std::size_t hash() const;

  friend bool operator==(const Ip&, const Ip&) = default;
  // Every IPv4 address before every IPv6 one, then by bytes (network order).
  friend auto operator<=>(const Ip&, const Ip&) = default;

 private:
  std::uint8_t family_ = 4;  // 4 or 6; first, so the defaulted <=> compares it first
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mosaic
