// Small builders of runtime values shared by the runtime unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/program.hpp"
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

// The tuple message num(I), as generated code would send it, for test programs
// that move numbers between nodes; read_num takes one apart (false if it is not one).
inline std::string num_message(int64_t i) {
  Writer w;
  w.u8(static_cast<uint8_t>(Op::Insert));
  w.bytes("num");
  put(w, i);
  return w.take();
}
inline bool read_num(std::string_view message, int64_t& i) {
  Reader r(message);
  uint8_t op;
  std::string predicate;
  return r.u8(op) && r.bytes(predicate) && predicate == "num" && get(r, i) && r.at_end();
}

// A hand-written Program for runtime tests that move numbers between nodes:
// send() sends num(i) messages, each one received goes to on_number().
class NumberProgram : public Program {
 public:
  std::vector<PeriodicSpec> periodics() const override { return {}; }
  void fire_periodic(size_t, int64_t) override {}
  void start() override {}
  std::string insert_fact(const std::string&, const std::vector<Value>&) override { return "no facts"; }
  void dump(JsonSink&) const override {}

  void send(const Addr& dest, int64_t from, int64_t count, bool best_effort = false) {
    for (int64_t i = from; i < from + count; ++i) rt_->send(dest, num_message(i), best_effort);
  }
  bool receive(std::string_view bytes) override {
    int64_t i;
    if (!read_num(bytes, i)) return false;
    on_number(i);
    return true;
  }

 protected:
  virtual void on_number(int64_t i) = 0;
};

}  // namespace mosaic::testing
