// A dynamically typed Mozlog value. Used only where types are not known at
// compile time: ground facts read from a --facts file, the inner value of an
// overlay address (ov::x, where x may be of any type), and the fields of a
// nested tuple printed generically. Generated code converts a Value to a
// statically typed field with convert(), which rejects mismatches, and makes
// one from a typed field with to_value().
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/id.hpp"
#include "mosaic/ip.hpp"
#include "mosaic/packet.hpp"
#include "mosaic/socket.hpp"

namespace mosaic {

struct Value {
  using List = std::vector<Value>;
  // The alternatives are in wire-tag order (codec.hpp: Tag::Int .. Tag::Ip).
  std::variant<int64_t, double, bool, std::string, Id, Addr, List, Packet, Bytes, Ip> v;

  std::string to_literal() const;  // Mozlog literal form, for messages and dumps

  // A total order: first by alternative, then by value (floats by IEEE totalOrder).
  friend int compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) { return compare(a, b) == 0; }
  friend std::strong_ordering operator<=>(const Value& a, const Value& b) { return compare(a, b) <=> 0; }
};
int compare(const Value& a, const Value& b);
size_t hash_value(const Value& v);

struct OverlayAddr {
  std::string name;
  Value inner;
};

// Typed field -> Value.
inline Value to_value(int64_t x) { return Value{x}; }
inline Value to_value(double x) { return Value{x}; }
inline Value to_value(bool x) { return Value{x}; }
inline Value to_value(const std::string& x) { return Value{x}; }
inline Value to_value(const Id& x) { return Value{x}; }
inline Value to_value(const Addr& x) { return Value{x}; }
inline Value to_value(const Packet& x) { return Value{x}; }
inline Value to_value(const Bytes& x) { return Value{x}; }
inline Value to_value(const Ip& x) { return Value{x}; }
template <class T>
Value to_value(const std::vector<T>& xs) {
  Value::List out;
  out.reserve(xs.size());
  for (const auto& x : xs) out.push_back(to_value(static_cast<const T&>(x)));
  return Value{std::move(out)};
}

// Value -> typed field; false (and `out` unspecified) on a type mismatch.
bool convert(const Value& in, int64_t& out);
bool convert(const Value& in, double& out);  // also accepts an int
bool convert(const Value& in, bool& out);
bool convert(const Value& in, std::string& out);
bool convert(const Value& in, Id& out);      // also accepts a non-negative int
bool convert(const Value& in, Addr& out);    // an address, or a string holding "IP:port"
bool convert(const Value& in, Packet& out);
bool convert(const Value& in, Bytes& out);  // bytes, or a string holding "0x" and hex digits
bool convert(const Value& in, Ip& out);     // an ip, or a string holding "198.19.0.2" / "fd00::2"
inline bool convert(const Value&, Socket&) { return false; }  // no fact or packet can name a socket
template <class T>
bool convert(const Value& in, std::vector<T>& out) {
  const auto* list = std::get_if<Value::List>(&in.v);
  if (!list) return false;
  out.clear();
  out.reserve(list->size());
  for (const auto& item : *list) {
    T x{};
    if (!convert(item, x)) return false;
    out.push_back(std::move(x));
  }
  return true;
}

// Why values do not make a tuple of `signature` ("link(addr, addr, int)"):
// `bad` is the index of the first field that does not fit, or values.size()
// when the number of values is wrong. For facts from files and the control
// endpoint, so the message names the field.
std::string fact_mismatch(std::string_view signature, const std::vector<Value>& values, size_t bad);

}  // namespace mosaic
