#include "mosaic/value.hpp"

#include <compare>

#include "mosaic/hash.hpp"
#include "mosaic/literal.hpp"

namespace mosaic {

namespace {
template <class Ordering>
int sign(Ordering o) { return o < 0 ? -1 : o > 0 ? 1 : 0; }
}  // namespace

std::string Value::to_literal() const {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, List>) {
          std::string out = "[";
          for (size_t i = 0; i < x.size(); ++i) out += (i ? ", " : "") + x[i].to_literal();
          return out + "]";
        } else {
          return mosaic::to_literal(x);
        }
      },
      v);
}

int compare(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return a.v.index() < b.v.index() ? -1 : 1;
  return std::visit(
      [&b](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        const T& y = *std::get_if<T>(&b.v);
        if constexpr (std::is_same_v<T, double>) {
          return sign(std::strong_order(x, y));  // -0.0 < 0.0, and NaNs ordered: a total order
        } else if constexpr (std::is_same_v<T, Value::List>) {
          for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (int c = compare(x[i], y[i])) return c;
          }
          return sign(x.size() <=> y.size());
        } else {
          return sign(x <=> y);
        }
      },
      a.v);
}

size_t hash_value(const Value& v) {
  return hash_mix(v.v.index(), std::visit([](const auto& x) -> size_t { return hash_value(x); }, v.v));
}

bool convert(const Value& in, int64_t& out) {
  const auto* i = std::get_if<int64_t>(&in.v);
  if (!i) return false;
  out = *i;
  return true;
}

bool convert(const Value& in, double& out) {
  if (const auto* d = std::get_if<double>(&in.v)) {
    out = *d;
    return true;
  }
  if (const auto* i = std::get_if<int64_t>(&in.v)) {
    out = static_cast<double>(*i);
    return true;
  }
  return false;
}

bool convert(const Value& in, bool& out) {
  const auto* b = std::get_if<bool>(&in.v);
  if (!b) return false;
  out = *b;
  return true;
}

bool convert(const Value& in, std::string& out) {
  const auto* s = std::get_if<std::string>(&in.v);
  if (!s) return false;
  out = *s;
  return true;
}

bool convert(const Value& in, Id& out) {
  if (const auto* id = std::get_if<Id>(&in.v)) {
    out = *id;
    return true;
  }
  if (const auto* i = std::get_if<int64_t>(&in.v); i && *i >= 0) {
    out = Id::from_int(*i);
    return true;
  }
  return false;
}

bool convert(const Value& in, Addr& out) {
  if (const auto* a = std::get_if<Addr>(&in.v)) {
    out = *a;
    return true;
  }
  const auto* s = std::get_if<std::string>(&in.v);
  if (!s) return false;
  auto addr = Addr::parse(*s);
  if (!addr) return false;
  out = *addr;
  return true;
}

bool convert(const Value& in, Packet& out) {
  const auto* p = std::get_if<Packet>(&in.v);
  if (!p) return false;
  out = *p;
  return true;
}

bool convert(const Value& in, Bytes& out) {
  if (const auto* b = std::get_if<Bytes>(&in.v)) {
    out = *b;
    return true;
  }
  const auto* s = std::get_if<std::string>(&in.v);
  if (!s) return false;
  auto bytes = Bytes::parse_hex(*s);
  if (!bytes) return false;
  out = std::move(*bytes);
  return true;
}

bool convert(const Value& in, Ip& out) {
  if (const auto* ip = std::get_if<Ip>(&in.v)) {
    out = *ip;
    return true;
  }
  const auto* s = std::get_if<std::string>(&in.v);
  if (!s) return false;
  auto ip = Ip::parse(*s);
  if (!ip) return false;
  out = *ip;
  return true;
}

std::string fact_mismatch(std::string_view signature, const std::vector<Value>& values, size_t bad) {
  std::string expected = "expected " + std::string(signature);
  if (bad >= values.size()) return std::to_string(values.size()) + (values.size() == 1 ? " value" : " values") +
                                   " given; " + expected;
  // The field's type, read off the signature: the bad-th of its comma-separated
  // types (types like list<int> hold no commas of their own).
  std::string_view types = signature.substr(signature.find('(') + 1);
  types.remove_suffix(1);
  for (size_t i = 0; i < bad; ++i) types.remove_prefix(types.find(", ") + 2);
  std::string_view type = types.substr(0, types.find(", "));
  return "field " + std::to_string(bad + 1) + " must be " + std::string(type) + ", not " + values[bad].to_literal() +
         "; " + expected;
}

}  // namespace mosaic
