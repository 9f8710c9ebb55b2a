// Mozlog literal forms of values, and the JSON sink that table dumps write to.
// Dumps print numbers and booleans as JSON numbers/booleans and every other
// value as a JSON string holding its Mozlog literal form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/bytes.hpp"
#include "mosaic/id.hpp"
#include "mosaic/ip.hpp"
#include "mosaic/packet.hpp"
#include "mosaic/socket.hpp"

namespace mosaic {

std::string to_literal(int64_t v);
std::string to_literal(double v);
std::string to_literal(bool v);
std::string to_literal(const std::string& v);  // quoted and escaped
std::string to_literal(const Id& v);
std::string to_literal(const Addr& v);  // quoted "127.0.0.1:9001"; fwd::0x1fI; sr::["1.2.3.4:5", ...]
std::string to_literal(const Packet& v);  // msg(1, "hi"), decoded generically
std::string to_literal(const Bytes& v);   // "0x4500..."
std::string to_literal(const Ip& v);      // "198.19.0.2"
inline std::string to_literal(const Socket& v) { return "\"" + v.to_string() + "\""; }  // "socket:3", for messages
template <class T>
std::string to_literal(const std::vector<T>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += to_literal(static_cast<const T&>(v[i]));
  }
  return out + "]";
}

class JsonSink {
 public:
  virtual ~JsonSink() = default;
  virtual void begin_table(std::string_view name) = 0;
  virtual void end_table() = 0;
  virtual void begin_row() = 0;
  virtual void end_row() = 0;
  virtual void number(int64_t v) = 0;
  virtual void number(double v) = 0;
  virtual void boolean(bool v) = 0;
  virtual void string(std::string_view v) = 0;
};

inline void dump_field(JsonSink& s, int64_t v) { s.number(v); }
inline void dump_field(JsonSink& s, double v) { s.number(v); }
inline void dump_field(JsonSink& s, bool v) { s.boolean(v); }
inline void dump_field(JsonSink& s, const std::string& v) { s.string(v); }
inline void dump_field(JsonSink& s, const Id& v) { s.string(v.to_string()); }
inline void dump_field(JsonSink& s, const Addr& v) { s.string(v.to_string()); }  // "127.0.0.1:9001", "fwd::0x1fI"
inline void dump_field(JsonSink& s, const Packet& v) { s.string(to_literal(v)); }
inline void dump_field(JsonSink& s, const Bytes& v) { s.string(v.to_hex()); }
inline void dump_field(JsonSink& s, const Ip& v) { s.string(v.to_string()); }
inline void dump_field(JsonSink& s, const Socket& v) { s.string(v.to_string()); }
template <class T>
void dump_field(JsonSink& s, const std::vector<T>& v) { s.string(to_literal(v)); }

}  // namespace mosaic
