// The checked binary encoding of tuples on the wire.
// Every field carries a one-byte type tag; a decoder checks each tag, each
// length against the bytes that remain, and fails (returns false) instead of
// trusting its input. Integers are little-endian and fixed-size.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/id.hpp"
#include "mosaic/packet.hpp"
#include "mosaic/socket.hpp"
#include "mosaic/value.hpp"

namespace mosaic {

enum class Tag : uint8_t { Int = 1, Float = 2, Bool = 3, String = 4, Id = 5, Addr = 6, List = 7, Tuple = 8, Bytes = 9, Ip = 10, Socket = 11 };

// How deeply values may nest inside one another on the wire: overlay addresses
// inside overlay addresses, tuples inside tuples (one level per overlay layer),
// lists of either. Anything deeper is malformed, so decoding never recurses
// without bound whatever a datagram holds.
inline constexpr int kMaxNesting = 32;

class Writer {
 public:
  void u8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { raw(&v, sizeof v); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void bytes(std::string_view s) { u32(static_cast<uint32_t>(s.size())); buf_.append(s); }
  void tag(Tag t) { u8(static_cast<uint8_t>(t)); }
  std::string& buffer() { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }  // host is little-endian (x86-64)
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u8(uint8_t& v) { return raw(&v, 1); }
  bool u16(uint16_t& v) { return raw(&v, sizeof v); }
  bool u32(uint32_t& v) { return raw(&v, sizeof v); }
  bool u64(uint64_t& v) { return raw(&v, sizeof v); }
  bool bytes(std::string& out) {
    uint32_t n;
    if (!u32(n) || n > remaining()) return false;
    out.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  // The next n bytes, in place.
  bool view(size_t n, std::string_view& out) {
    if (n > remaining()) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool peek_u8(uint8_t& v) const {
    if (remaining() == 0) return false;
    v = static_cast<uint8_t>(data_[pos_]);
    return true;
  }
  bool tag(Tag expected) {
    uint8_t t;
    return u8(t) && t == static_cast<uint8_t>(expected);
  }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

 private:
  bool raw(void* p, size_t n) {
    if (n > remaining()) return false;
    std::memcpy(p, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

// put/get for every Mozlog value type; generated (de)serializers call these per field.
inline void put(Writer& w, int64_t v) { w.tag(Tag::Int); w.u64(static_cast<uint64_t>(v)); }
inline void put(Writer& w, double v) { uint64_t b; std::memcpy(&b, &v, 8); w.tag(Tag::Float); w.u64(b); }
inline void put(Writer& w, bool v) { w.tag(Tag::Bool); w.u8(v ? 1 : 0); }
inline void put(Writer& w, const std::string& v) { w.tag(Tag::String); w.bytes(v); }
void put(Writer& w, const Id& v);
void put(Writer& w, const Addr& v);
void put(Writer& w, const Packet& v);
inline void put(Writer& w, const Bytes& v) { w.tag(Tag::Bytes); w.bytes(v.str()); }
void put(Writer& w, const Ip& v);
// A socket is written (so that every tuple type has an encoder) but never read back: see socket.hpp.
inline void put(Writer& w, const Socket& v) { w.tag(Tag::Socket); w.u64(v.id); }
void put(Writer& w, const Value& v);  // the tag of its alternative, then as the typed put
template <class T>
void put(Writer& w, const std::vector<T>& v) {
  w.tag(Tag::List);
  w.u32(static_cast<uint32_t>(v.size()));
  for (const auto& x : v) put(w, static_cast<const T&>(x));
}

inline bool get(Reader& r, int64_t& v) { uint64_t b; if (!r.tag(Tag::Int) || !r.u64(b)) return false; v = static_cast<int64_t>(b); return true; }
inline bool get(Reader& r, double& v) { uint64_t b; if (!r.tag(Tag::Float) || !r.u64(b)) return false; std::memcpy(&v, &b, 8); return true; }
inline bool get(Reader& r, bool& v) { uint8_t b; if (!r.tag(Tag::Bool) || !r.u8(b) || b > 1) return false; v = b == 1; return true; }
inline bool get(Reader& r, std::string& v) { return r.tag(Tag::String) && r.bytes(v); }
bool get(Reader& r, Id& v);
bool get(Reader& r, Bytes& v);
bool get(Reader& r, Ip& v);  // [family: 4 or 6][4 or 16 bytes, network order]
inline bool get(Reader&, Socket&) { return false; }  // no node accepts another's socket
// The decoders of nestable values take the nesting still allowed (kMaxNesting at top level).
bool get(Reader& r, Addr& v, int depth = kMaxNesting);
// Checks the whole nested encoding: a predicate name, then well-formed tagged values to the end.
bool get(Reader& r, Packet& v, int depth = kMaxNesting);
bool get(Reader& r, Value& v, int depth = kMaxNesting);  // whichever tag comes next

// Whether `match` holds for the predicate of a tuple nested anywhere in this
// packet's encoding (its own predicate included), found without decoding or
// copying the fields. False for a malformed encoding.
template <class Match>
bool packet_carries(std::string_view packet, Match&& match);

// A packet's predicate and fields, decoded generically; false when malformed.
bool decode_packet(const Packet& p, std::string& predicate, std::vector<Value>& fields);
template <class T>
bool get(Reader& r, std::vector<T>& v) {
  uint32_t n;
  if (!r.tag(Tag::List) || !r.u32(n) || n > r.remaining()) return false;  // every element takes >= 1 byte
  v.clear();
  v.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    T x{};
    if (!get(r, x)) return false;
    v.push_back(std::move(x));
  }
  return true;
}

namespace codec_detail {
bool skip_value(Reader& r, int depth, const std::function<bool(std::string_view)>& match, bool& found);
bool walk_packet(std::string_view packet, int depth, const std::function<bool(std::string_view)>& match, bool& found);
}  // namespace codec_detail

template <class Match>
bool packet_carries(std::string_view packet, Match&& match) {
  bool found = false;
  return codec_detail::walk_packet(packet, kMaxNesting, std::function<bool(std::string_view)>(match), found) && found;
}

}  // namespace mosaic
