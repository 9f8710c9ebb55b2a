// A dynamically typed Mozlog value. Used only where types are not known at
// compile time: ground facts read from a --facts file. Generated code converts
// a Value to the statically typed field with convert(), which rejects mismatches.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/id.hpp"

namespace mosaic {

struct Value {
  using List = std::vector<Value>;
  std::variant<int64_t, double, bool, std::string, Id, List> v;

  std::string to_literal() const;  // Mozlog literal form, for messages
};

bool convert(const Value& in, int64_t& out);
bool convert(const Value& in, double& out);  // also accepts an int
bool convert(const Value& in, bool& out);
bool convert(const Value& in, std::string& out);
bool convert(const Value& in, Id& out);    // also accepts a non-negative int
bool convert(const Value& in, Addr& out);  // a string holding "IP:port"
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

}  // namespace mosaic
