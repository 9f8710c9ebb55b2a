// Location specifiers (Mozlog type `addr`), runtime-typed as in paper §4.3.2:
//   Ip       "127.0.0.1:9001"           a node reached directly over UDP
//   Overlay  ov::x                      node x of overlay `ov`; x is any value: an id
//                                       (i3::0x1fI), a string, another address
//                                       (ron::"1.2.3.4:5", ron::sr::[g, d]) or a list
//                                       of addresses (the source route sr::[a, b])
// Addresses are values: compared, ordered, hashed, encoded and printed in their
// Mozlog literal form. An overlay address shares its (immutable) inner value, so
// copying one is cheap.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic {

struct Value;
struct OverlayAddr;  // defined in value.hpp: { std::string name; Value inner; }

class Addr {
 public:
  enum class Kind : uint8_t { None = 0, Ip = 1, Overlay = 2 };

  Addr() = default;
  static Addr ip(uint32_t host, uint16_t port);
  // ov::inner. A string inner (or list element) that reads as "IP:port" is
  // stored as an Ip address, so the same literal always makes the same address.
  static Addr overlay(std::string name, Value inner);
  // Parses "a.b.c.d:port" (also "localhost:port"); nullopt when malformed.
  static std::optional<Addr> parse(std::string_view text);
  // What the codec accepts as an overlay name: [a-z][a-z0-9_.]*, at most kMaxOverlayName bytes.
  static constexpr size_t kMaxOverlayName = 64;
  static bool valid_overlay_name(std::string_view name);

  Kind kind() const { return kind_; }
  bool is_ip() const { return kind_ == Kind::Ip; }
  bool is_overlay() const { return kind_ == Kind::Overlay; }
  uint32_t host() const { return host_; }  // host byte order; Ip only
  uint16_t port() const { return port_; }  // Ip only
  const std::string& overlay_name() const;  // "" unless Overlay
  const Value& inner() const;               // Overlay only

  // "127.0.0.1:9001" (unquoted), or the literal form of an overlay address:
  // fwd::0x1fI, ron::"1.2.3.4:5", sr::["1.2.3.4:5", i3::0x2I]; "" for None.
  std::string to_string() const;

  friend bool operator==(const Addr& a, const Addr& b) { return compare(a, b) == 0; }
  friend std::strong_ordering operator<=>(const Addr& a, const Addr& b) { return compare(a, b) <=> 0; }
  size_t hash() const;

 private:
  static int compare(const Addr& a, const Addr& b);  // <0, 0, >0

  Kind kind_ = Kind::None;
  uint16_t port_ = 0;
  uint32_t host_ = 0;
  std::shared_ptr<const OverlayAddr> overlay_;
};

}  // namespace mosaic
