#include "mosaic/literal.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/value.hpp"

namespace mosaic {

std::string to_literal(int64_t v) { return std::to_string(v); }

std::string to_literal(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  std::string out(buf, ec == std::errc() ? end : buf);
  // "1" would read back as an int; keep the value a float.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string to_literal(bool v) { return v ? "true" : "false"; }

std::string to_literal(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string to_literal(const Id& v) { return v.to_string(); }

std::string to_literal(const Addr& v) {
  // An Ip address is written as the string it is read from; an overlay address is its own syntax.
  return v.is_overlay() ? v.to_string() : to_literal(v.to_string());
}

std::string to_literal(const Bytes& v) { return to_literal(v.to_hex()); }

std::string to_literal(const Ip& v) { return to_literal(v.to_string()); }

std::string to_literal(const Packet& v) {
  std::string predicate;
  std::vector<Value> fields;
  if (!decode_packet(v, predicate, fields)) return "<malformed tuple>";
  std::string out = predicate + "(";
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i].to_literal();
  return out + ")";
}

}  // namespace mosaic
