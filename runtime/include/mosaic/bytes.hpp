// Raw bytes (Mozlog type `bytes`): what the `tun` predicate carries — a whole
// IP packet, header included — what `tcp.read` returns and `tcp.write` takes,
// and what byte-level built-ins take apart. Unlike a `tuple` value
// (packet.hpp) its contents mean nothing to the runtime; unlike a `string` it
// is never printed as text (its literal form is hex).
//
// The contents are immutable and shared between copies: a relay's 256 KiB
// chunk or a tun super-packet goes from an event through a CView's context
// row and call to the socket or device without being copied on the way.
// Built-ins that change bytes make new ones.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mosaic {

class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(std::string d) : data_(d.empty() ? nullptr : std::make_shared<const std::string>(std::move(d))) {}
  Bytes(const std::uint8_t* p, std::size_t n) : Bytes(std::string(reinterpret_cast<const char*>(p), n)) {}

  const std::string& str() const { return data_ ? *data_ : none(); }
  std::size_t size() const { return data_ ? data_->size() : 0; }
  bool empty() const { return size() == 0; }
  std::span<const std::uint8_t> span() const {
    return {reinterpret_cast<const std::uint8_t*>(str().data()), size()};
  }

  // Literal form "0x4500003c..." (lower-case hex); parse_hex reads it back.
  std::string to_hex() const;
  static std::optional<Bytes> parse_hex(std::string_view text);

  friend bool operator==(const Bytes& a, const Bytes& b) { return a.data_ == b.data_ || a.str() == b.str(); }
  friend std::strong_ordering operator<=>(const Bytes& a, const Bytes& b) { return a.str() <=> b.str(); }

 private:
  static const std::string& none() {
    static const std::string nothing;
    return nothing;
  }
  std::shared_ptr<const std::string> data_;
};

}  // namespace mosaic
