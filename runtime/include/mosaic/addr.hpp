// Location specifiers (Mozlog type `addr`).
// Today an address is an IPv4 "IP:port"; the kind tag leaves room for the
// runtime-typed overlay addresses of the paper (ov::x, sr::[...]).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic {

class Addr {
 public:
  enum class Kind : uint8_t { None = 0, Ip = 1 };

  Addr() = default;
  static Addr ip(uint32_t host, uint16_t port);
  // Parses "a.b.c.d:port" (also "localhost:port"); nullopt when malformed.
  static std::optional<Addr> parse(std::string_view text);

  Kind kind() const { return kind_; }
  uint32_t host() const { return host_; }  // host byte order
  uint16_t port() const { return port_; }
  std::string to_string() const;  // "127.0.0.1:9001"; "" for None

  friend bool operator==(const Addr&, const Addr&) = default;
  friend auto operator<=>(const Addr&, const Addr&) = default;
  size_t hash() const;

 private:
  Kind kind_ = Kind::None;
  uint32_t host_ = 0;
  uint16_t port_ = 0;
};

}  // namespace mosaic
