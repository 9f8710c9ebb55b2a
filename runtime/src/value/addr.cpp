#include "mosaic/addr.hpp"

#include <cassert>
#include <tuple>

#include "mosaic/hash.hpp"
#include "mosaic/value.hpp"

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

// "IP:port" strings become Ip addresses, in lists too, so that ov::"1.2.3.4:5"
// and an ov:: built from the address itself are the same address.
Value canonical(Value v) {
  if (const auto* s = std::get_if<std::string>(&v.v)) {
    if (auto a = Addr::parse(*s)) return Value{*a};
  } else if (auto* list = std::get_if<Value::List>(&v.v)) {
    for (Value& item : *list) item = canonical(std::move(item));
  }
  return v;
}

int sign(std::strong_ordering o) { return o < 0 ? -1 : o > 0 ? 1 : 0; }

}  // namespace

Addr Addr::ip(uint32_t host, uint16_t port) {
  Addr a;
  a.kind_ = Kind::Ip;
  a.host_ = host;
  a.port_ = port;
  return a;
}

Addr Addr::overlay(std::string name, Value inner) {
  Addr a;
  a.kind_ = Kind::Overlay;
  a.overlay_ = std::make_shared<const OverlayAddr>(OverlayAddr{std::move(name), canonical(std::move(inner))});
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

bool Addr::valid_overlay_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxOverlayName || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

const std::string& Addr::overlay_name() const {
  static const std::string kNone;
  return overlay_ ? overlay_->name : kNone;
}

const Value& Addr::inner() const {
  assert(is_overlay());
  static const Value kNone;  // not reached by correct callers; better than a null dereference in release builds
  return overlay_ ? overlay_->inner : kNone;
}

std::string Addr::to_string() const {
  switch (kind_) {
    case Kind::None: break;
    case Kind::Ip:
      return std::to_string(host_ >> 24) + "." + std::to_string((host_ >> 16) & 0xff) + "." +
             std::to_string((host_ >> 8) & 0xff) + "." + std::to_string(host_ & 0xff) + ":" + std::to_string(port_);
    case Kind::Overlay: return overlay_->name + "::" + overlay_->inner.to_literal();
  }
  return "";
}

int Addr::compare(const Addr& a, const Addr& b) {
  if (a.kind_ != b.kind_) return a.kind_ < b.kind_ ? -1 : 1;
  switch (a.kind_) {
    case Kind::None: return 0;
    case Kind::Ip: return sign(std::tie(a.host_, a.port_) <=> std::tie(b.host_, b.port_));
    case Kind::Overlay:
      if (a.overlay_ == b.overlay_) return 0;  // copies share their inner value
      if (int c = a.overlay_->name.compare(b.overlay_->name)) return c < 0 ? -1 : 1;
      return mosaic::compare(a.overlay_->inner, b.overlay_->inner);
  }
  return 0;
}

size_t Addr::hash() const {
  size_t seed = static_cast<size_t>(kind_);
  if (kind_ == Kind::Overlay) return hash_mix(hash_mix(seed, hash_value(overlay_->name)), hash_value(overlay_->inner));
  return hash_mix(hash_mix(seed, host_), port_);
}

}  // namespace mosaic
