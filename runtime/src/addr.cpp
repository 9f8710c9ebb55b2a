#include "mosaic/addr.hpp"

#include "mosaic/hash.hpp"

namespace mosaic {

namespace {

// A decimal number of at most `max_digits` digits without leading zeros.
std::optional<uint32_t> parse_decimal(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // "010" could mean octal to some readers
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  if (text == "localhost") return 0x7f000001u;
  uint32_t host = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
    auto octet = parse_decimal(text.substr(0, dot), 3);
    if (!octet || *octet > 255) return std::nullopt;
    host = (host << 8) | *octet;
    text = i < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return host;
}

}  // namespace

Addr Addr::ip(uint32_t host, uint16_t port) {
  Addr a;
  a.kind_ = Kind::Ip;
  a.host_ = host;
  a.port_ = port;
  return a;
}

std::optional<Addr> Addr::parse(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto host = parse_ipv4(text.substr(0, colon));
  auto port = parse_decimal(text.substr(colon + 1), 5);
  if (!host || !port || *port < 1 || *port > 65535) return std::nullopt;
  return ip(*host, static_cast<uint16_t>(*port));
}

std::string Addr::to_string() const {
  if (kind_ != Kind::Ip) return "";
  return std::to_string(host_ >> 24) + "." + std::to_string((host_ >> 16) & 0xff) + "." +
         std::to_string((host_ >> 8) & 0xff) + "." + std::to_string(host_ & 0xff) + ":" + std::to_string(port_);
}

size_t Addr::hash() const {
  size_t seed = hash_mix(static_cast<size_t>(kind_), host_);
  return hash_mix(seed, port_);
}

}  // namespace mosaic
