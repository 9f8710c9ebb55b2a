// Small builders of runtime values shared by the runtime unit tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/value.hpp"

namespace mosaic::testing {

inline Value str(const char* s) { return Value{std::string(s)}; }
inline Value ip(const char* s) { return Value{*Addr::parse(s)}; }
inline Value list(Value::List items) { return Value{std::move(items)}; }
inline Addr ov(const char* name, Value inner) { return Addr::overlay(name, std::move(inner)); }

// A packet encoded by hand: the predicate name, then the tagged fields.
inline Packet packet(const char* predicate, const std::vector<Value>& fields) {
  Writer w;
  w.bytes(predicate);
  for (const Value& f : fields) put(w, f);
  return Packet{w.take()};
}

}  // namespace mosaic::testing
