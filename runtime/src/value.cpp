#include "mosaic/value.hpp"

#include "mosaic/literal.hpp"

namespace mosaic {

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
  const auto* s = std::get_if<std::string>(&in.v);
  if (!s) return false;
  auto addr = Addr::parse(*s);
  if (!addr) return false;
  out = *addr;
  return true;
}

}  // namespace mosaic
