#include "mosaic/codec.hpp"

#include <array>
#include <utility>

namespace mosaic {

namespace {

constexpr size_t kMaxPredicateName = 255;
constexpr size_t kMaxPacketFields = 255;

// A list of any values; each element is one level deeper than the list.
bool get_list(Reader& r, Value::List& out, int depth) {
  uint32_t n;
  if (depth <= 0 || !r.tag(Tag::List) || !r.u32(n) || n > r.remaining()) return false;  // every element takes >= 1 byte
  // No reserve(n): n is bounded only by the bytes left, and every nested list could claim as much again.
  out.clear();
  for (uint32_t i = 0; i < n; ++i) {
    Value x;
    if (!get(r, x, depth - 1)) return false;
    out.push_back(std::move(x));
  }
  return true;
}

// A packet's encoding: a predicate name, then tagged fields to the end, each
// decoded with `depth` levels left. `fields` is null when only checking.
bool read_packet(std::string_view bytes, int depth, std::string& predicate, std::vector<Value>* fields) {
  Reader r(bytes);
  if (!r.bytes(predicate) || predicate.empty() || predicate.size() > kMaxPredicateName) return false;
  for (size_t count = 0; !r.at_end(); ++count) {
    Value x;
    if (count == kMaxPacketFields || !get(r, x, depth)) return false;
    if (fields) fields->push_back(std::move(x));
  }
  return true;
}

template <class T, class... Depth>
bool get_into(Reader& r, Value& v, Depth... depth) {
  T x{};
  if (!get(r, x, depth...)) return false;
  v.v = std::move(x);
  return true;
}

}  // namespace

void put(Writer& w, const Id& v) {
  unsigned char bytes[20];
  v.to_bytes(bytes);
  w.tag(Tag::Id);
  for (unsigned char b : bytes) w.u8(b);
}

bool get(Reader& r, Id& v) {
  if (!r.tag(Tag::Id)) return false;
  unsigned char bytes[20];
  for (unsigned char& b : bytes) {
    if (!r.u8(b)) return false;
  }
  v = Id::from_bytes(bytes);
  return true;
}

void put(Writer& w, const Ip& v) {
  w.tag(Tag::Ip);
  w.u8(v.is_v4() ? 4 : 6);
  for (size_t i = 0; i < (v.is_v4() ? 4u : 16u); ++i) w.u8(v.bytes()[i]);
}

bool get(Reader& r, Ip& v) {
  uint8_t family;
  if (!r.tag(Tag::Ip) || !r.u8(family) || (family != 4 && family != 6)) return false;
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < (family == 4 ? 4u : 16u); ++i)
    if (!r.u8(b[i])) return false;
  v = family == 4 ? Ip::v4(uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]) : Ip::v6(b);
  return true;
}

void put(Writer& w, const Addr& v) {
  w.tag(Tag::Addr);
  w.u8(static_cast<uint8_t>(v.kind()));
  switch (v.kind()) {
    case Addr::Kind::None: break;
    case Addr::Kind::Ip:
      w.u32(v.host());
      w.u16(v.port());
      break;
    case Addr::Kind::Overlay:
      w.bytes(v.overlay_name());
      put(w, v.inner());
      break;
  }
}

bool get(Reader& r, Addr& v, int depth) {
  uint8_t kind;
  if (depth <= 0 || !r.tag(Tag::Addr) || !r.u8(kind)) return false;
  switch (static_cast<Addr::Kind>(kind)) {
    case Addr::Kind::None:
      v = Addr();
      return true;
    case Addr::Kind::Ip: {
      uint32_t host;
      uint16_t port;
      if (!r.u32(host) || !r.u16(port)) return false;
      v = Addr::ip(host, port);
      return true;
    }
    case Addr::Kind::Overlay: {
      std::string name;
      Value inner;
      if (!r.bytes(name) || !Addr::valid_overlay_name(name) || !get(r, inner, depth - 1)) return false;
      v = Addr::overlay(std::move(name), std::move(inner));
      return true;
    }
  }
  return false;  // a kind this runtime does not know
}

void put(Writer& w, const Packet& v) {
  w.tag(Tag::Tuple);
  w.bytes(v.bytes());
}

bool get(Reader& r, Packet& v, int depth) {
  uint32_t n;
  std::string_view bytes;
  bool found = false;
  // Checked in place (codec_detail::walk_packet builds no values), then copied once.
  if (depth <= 0 || !r.tag(Tag::Tuple) || !r.u32(n) || !r.view(n, bytes) ||
      !codec_detail::walk_packet(bytes, depth - 1, nullptr, found)) {
    return false;
  }
  v = Packet(std::string(bytes));
  return true;
}

bool decode_packet(const Packet& p, std::string& predicate, std::vector<Value>& fields) {
  fields.clear();
  return read_packet(p.bytes(), kMaxNesting - 1, predicate, &fields);  // the packet itself is the first level
}

namespace codec_detail {

// Moves past one tagged value, looking into nested tuples (and the addresses
// and lists that may hold them); sets `found` when `match` holds for one.
bool skip_value(Reader& r, int depth, const std::function<bool(std::string_view)>& match, bool& found) {
  uint8_t tag;
  uint32_t n;
  std::string_view bytes;
  if (!r.u8(tag)) return false;
  switch (static_cast<Tag>(tag)) {
    case Tag::Int:
    case Tag::Float: return r.view(8, bytes);
    case Tag::Bool: return r.view(1, bytes) && static_cast<uint8_t>(bytes[0]) <= 1;
    case Tag::Id: return r.view(20, bytes);
    case Tag::String:
    case Tag::Bytes: return r.u32(n) && r.view(n, bytes);
    case Tag::Ip: {
      uint8_t family;
      return r.u8(family) && (family == 4 || family == 6) && r.view(family == 4 ? 4 : 16, bytes);
    }
    case Tag::Addr: {  // depth counts as get(Addr) counts it: for every address
      uint8_t kind;
      if (depth <= 0 || !r.u8(kind)) return false;
      if (kind == uint8_t(Addr::Kind::None)) return true;
      if (kind == uint8_t(Addr::Kind::Ip)) return r.view(6, bytes);
      return kind == uint8_t(Addr::Kind::Overlay) && r.u32(n) && r.view(n, bytes) && Addr::valid_overlay_name(bytes) &&
             skip_value(r, depth - 1, match, found);
    }
    case Tag::List:
      if (depth <= 0 || !r.u32(n) || n > r.remaining()) return false;
      for (uint32_t i = 0; i < n; ++i)
        if (!skip_value(r, depth - 1, match, found)) return false;
      return true;
    case Tag::Tuple: return depth > 0 && r.u32(n) && r.view(n, bytes) && walk_packet(bytes, depth - 1, match, found);
  }
  return false;
}

bool walk_packet(std::string_view packet, int depth, const std::function<bool(std::string_view)>& match, bool& found) {
  Reader r(packet);
  uint32_t n;
  std::string_view predicate;
  if (!r.u32(n) || !r.view(n, predicate) || predicate.empty() || predicate.size() > kMaxPredicateName) return false;
  if (match && match(predicate)) found = true;
  for (size_t count = 0; !r.at_end() && !found; ++count)
    if (count == kMaxPacketFields || !skip_value(r, depth, match, found)) return false;
  return true;
}

}  // namespace codec_detail

bool get(Reader& r, Bytes& v) {
  std::string data;
  if (!r.tag(Tag::Bytes) || !r.bytes(data)) return false;
  v = Bytes(std::move(data));
  return true;
}

void put(Writer& w, const Value& v) {
  std::visit([&w](const auto& x) { put(w, x); }, v.v);  // a List goes through put(std::vector<Value>)
}

bool get(Reader& r, Value& v, int depth) {
  uint8_t tag;
  if (!r.peek_u8(tag)) return false;
  switch (static_cast<Tag>(tag)) {
    case Tag::Int: return get_into<int64_t>(r, v);
    case Tag::Float: return get_into<double>(r, v);
    case Tag::Bool: return get_into<bool>(r, v);
    case Tag::String: return get_into<std::string>(r, v);
    case Tag::Id: return get_into<Id>(r, v);
    case Tag::Addr: return get_into<Addr>(r, v, depth);
    case Tag::List: {
      Value::List list;
      if (!get_list(r, list, depth)) return false;
      v.v = std::move(list);
      return true;
    }
    case Tag::Tuple: return get_into<Packet>(r, v, depth);
    case Tag::Bytes: return get_into<Bytes>(r, v);
    case Tag::Ip: return get_into<Ip>(r, v);
  }
  return false;  // not a tag
}

}  // namespace mosaic
