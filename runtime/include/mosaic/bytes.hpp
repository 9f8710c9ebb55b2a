// Raw bytes (Mozlog type `bytes`): what the `tun` predicate carries — a whole
// IP packet, header included — and what byte-level built-ins take apart.
// Unlike a `tuple` value (packet.hpp) its contents mean nothing to the runtime;
// unlike a `string` it is never printed as text (its literal form is hex).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mosaic {

struct Bytes {
  std::string data;

  Bytes() = default;
  explicit Bytes(std::string d) : data(std::move(d)) {}
  Bytes(const std::uint8_t* p, std::size_t n) : data(reinterpret_cast<const char*>(p), n) {}

  std::size_t size() const { return data.size(); }
  std::span<const std::uint8_t> span() const {
    return {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()};
  }
  std::span<std::uint8_t> mutable_span() { return {reinterpret_cast<std::uint8_t*>(data.data()), data.size()}; }

  // Literal form "0x4500003c..." (lower-case hex); parse_hex reads it back.
  std::string to_hex() const;
  static std::optional<Bytes> parse_hex(std::string_view text);

  friend bool operator==(const Bytes&, const Bytes&) = default;
  friend auto operator<=>(const Bytes&, const Bytes&) = default;
};

}  // namespace mosaic
