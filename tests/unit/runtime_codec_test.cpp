#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/literal.hpp"
#include "runtime_test_values.hpp"

using namespace mosaic;
using namespace mosaic::testing;

namespace {

template <class T>
std::string encode(const T& v) {
  Writer w;
  put(w, v);
  return w.take();
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }  // NaN and -0.0 too
template <class T>
bool same(const T& a, const T& b) { return a == b; }

// Decodes back to the same value, consuming every byte; fails on every
// truncation and when the leading tag is any other byte.
template <class T>
void check_codec(const T& v) {
  std::string bytes = encode(v);
  Reader r(bytes);
  T out{};
  REQUIRE(get(r, out));
  CHECK(r.at_end());
  CHECK(same(out, v));
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    Reader truncated(std::string_view(bytes).substr(0, n));
    T x{};
    CHECK_FALSE(get(truncated, x));
  }
  for (int tag = 0; tag < 256; ++tag) {
    if (tag == static_cast<unsigned char>(bytes[0])) continue;
    std::string wrong = bytes;
    wrong[0] = static_cast<char>(tag);
    Reader rw(wrong);
    T x{};
    CHECK_FALSE(get(rw, x));
  }
}



// As check_codec, for a Value: any other tag may be another valid value, so
// only the bytes that are no tag at all must be rejected.
void check_value_codec(const Value& v) {
  std::string bytes = encode(v);
  Reader r(bytes);
  Value out;
  REQUIRE(get(r, out));
  CHECK(r.at_end());
  CHECK(out == v);
  CHECK(out.v.index() == v.v.index());
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    Reader truncated(std::string_view(bytes).substr(0, n));
    Value x;
    CHECK_FALSE(get(truncated, x));
  }
  for (int tag : {0, 11, 0x7f, 0xff}) {  // no such tag (Tag::Ip = 10 is the last)
    std::string wrong = bytes;
    wrong[0] = static_cast<char>(tag);
    Reader rw(wrong);
    Value x;
    CHECK_FALSE(get(rw, x));
  }
}

enum class Level { List, Addr, Tuple };

// An encoding of `levels` nested one in another (the first outermost) around
// `leaf`, built front to back so that 10000 levels cost no quadratic copying.
std::string nested(const std::vector<Level>& levels, const std::string& leaf) {
  auto header = [](Level l) -> size_t { return l == Level::List ? 5 : l == Level::Addr ? 8 : 10; };
  std::vector<size_t> size(levels.size() + 1);
  size[levels.size()] = leaf.size();
  for (size_t i = levels.size(); i-- > 0;) size[i] = header(levels[i]) + size[i + 1];
  Writer w;
  for (size_t i = 0; i < levels.size(); ++i) {
    switch (levels[i]) {
      case Level::List:  // [x]
        w.tag(Tag::List);
        w.u32(1);
        break;
      case Level::Addr:  // ov::x
        w.tag(Tag::Addr);
        w.u8(static_cast<uint8_t>(Addr::Kind::Overlay));
        w.bytes("ov");
        break;
      case Level::Tuple:  // p(x)
        w.tag(Tag::Tuple);
        w.u32(static_cast<uint32_t>(5 + size[i + 1]));
        w.bytes("p");
        break;
    }
  }
  w.buffer() += leaf;
  REQUIRE(w.buffer().size() == size[0]);
  return w.take();
}

std::vector<Level> repeat(Level l, int n) { return std::vector<Level>(static_cast<size_t>(n), l); }
std::vector<Level> mixed(int n) {
  std::vector<Level> out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<Level>(i % 3));
  return out;
}

bool decodes(const std::string& bytes) {
  Reader r(bytes);
  Value v;
  return get(r, v) && r.at_end();
}

}  // namespace

TEST_CASE("codec round trips ints, floats and bools") {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    check_codec(v);
  }
  for (double v : {0.0, -0.0, 1.5, -1e300, std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min()}) {
    check_codec(v);
  }
  check_codec(true);
  check_codec(false);
}

TEST_CASE("codec rejects a bool byte other than 0 or 1") {
  std::string bytes = encode(true);
  bytes[1] = 2;
  Reader r(bytes);
  bool b;
  CHECK_FALSE(get(r, b));
}

TEST_CASE("codec round trips strings, ids and addresses") {
  check_codec(std::string());
  check_codec(std::string("hello"));
  check_codec(std::string("nul\0inside", 10));
  check_codec(std::string(1000, 'x'));
  check_codec(Id());
  check_codec(Id::from_int(-1));
  check_codec(Id::from_hex("0x123456789abcdef0123456789abcdef012345678").value());
  check_codec(Addr::ip(0x7f000001u, 9001));
  check_codec(Addr::ip(0xffffffffu, 65535));
  check_codec(Addr());
}

TEST_CASE("codec encodes an id as a tag and 20 big-endian bytes") {
  std::string bytes = encode(Id::from_int(0x1f));
  REQUIRE(bytes.size() == 21);
  CHECK(bytes[0] == static_cast<char>(Tag::Id));
  CHECK(bytes[20] == 0x1f);
  CHECK(bytes[1] == 0);
}

TEST_CASE("codec rejects an address of unknown kind") {
  std::string bytes = encode(Addr::ip(0x7f000001u, 9001));
  for (int kind = 3; kind < 256; ++kind) {
    bytes[1] = static_cast<char>(kind);
    Reader r(bytes);
    Addr a;
    CHECK_FALSE(get(r, a));
  }
}

TEST_CASE("codec round trips lists, nested lists and empty lists") {
  check_codec(std::vector<int64_t>{});
  check_codec(std::vector<int64_t>{1, -2, 3});
  check_codec(std::vector<std::string>{"a", "", "ccc"});
  check_codec(std::vector<Addr>{Addr::ip(1, 2), Addr()});
  check_codec(std::vector<Id>{Id::from_int(5)});
  check_codec(std::vector<std::vector<std::string>>{{"x"}, {}, {"y", "z"}});
  check_codec(std::vector<bool>{true, false, true});
}

TEST_CASE("codec rejects a list whose length exceeds the bytes left") {
  Writer w;
  w.tag(Tag::List);
  w.u32(0xffffffffu);
  put(w, int64_t{1});
  std::string bytes = w.take();
  Reader r(bytes);
  std::vector<int64_t> v;
  CHECK_FALSE(get(r, v));
}

TEST_CASE("codec rejects a list element of the wrong type") {
  std::string bytes = encode(std::vector<int64_t>{1, 2});
  Reader r(bytes);
  std::vector<double> v;
  CHECK_FALSE(get(r, v));
}

TEST_CASE("codec rejects a string length past the end") {
  std::string bytes = encode(std::string("abc"));
  bytes[1] = 4;  // claims 4 bytes, 3 follow
  Reader r(bytes);
  std::string s;
  CHECK_FALSE(get(r, s));
}

TEST_CASE("codec reads a sequence of fields, as generated deserializers do") {
  Writer w;
  w.u8(1);
  w.bytes("link");
  put(w, Addr::ip(0x7f000001u, 9001));
  put(w, int64_t{3});
  std::string bytes = w.take();
  Reader r(bytes);
  uint8_t op;
  std::string pred;
  Addr a;
  int64_t cost;
  REQUIRE(r.u8(op));
  REQUIRE(r.bytes(pred));
  REQUIRE(get(r, a));
  REQUIRE(get(r, cost));
  CHECK(r.at_end());
  CHECK(pred == "link");
  CHECK(a.port() == 9001);
  CHECK(cost == 3);
  double wrong;
  CHECK_FALSE(get(r, wrong));  // nothing left
}

TEST_CASE("codec round trips overlay addresses, nested and in lists") {
  Addr fwd = ov("fwd", Value{Id::from_int(0x1f)});
  Addr route = ov("sr", Value{Value::List{ip("1.2.3.4:5"), Value{ov("i3", Value{Id::from_int(2)})}}});
  check_codec(fwd);
  check_codec(ov("ron", ip("1.2.3.4:5")));
  check_codec(ov("chat", str("alice")));
  check_codec(ov("a.b_c", Value{-0.0}));
  check_codec(ov("ov", Value{Value::List{}}));
  check_codec(route);
  check_codec(ov("ron", Value{route}));
  check_codec(ov("ron", Value{packet("msg", {Value{int64_t{1}}})}));
  check_codec(ov(std::string(64, 'z').c_str(), Value{true}));
  check_codec(std::vector<Addr>{fwd, Addr::ip(1, 2), route, Addr()});
}

TEST_CASE("codec encodes an overlay address as kind 2, its name, then its inner value") {
  std::string bytes = encode(ov("ron", ip("1.2.3.4:5")));
  Writer w;
  w.tag(Tag::Addr);
  w.u8(2);
  w.bytes("ron");
  put(w, Addr::ip(0x01020304u, 5));
  CHECK(bytes == w.take());
}

TEST_CASE("codec rejects overlay names the runtime would not accept") {
  for (std::string name : {std::string(), std::string("Ron"), std::string("3a"), std::string("_a"),
                           std::string("a-b"), std::string("a::b"), std::string(65, 'a'), std::string("a\0", 2)}) {
    CAPTURE(name);
    Writer w;
    w.tag(Tag::Addr);
    w.u8(2);
    w.bytes(name);
    put(w, int64_t{1});
    std::string bytes = w.take();
    Reader r(bytes);
    Addr a;
    CHECK_FALSE(get(r, a));
  }
}

TEST_CASE("codec round trips packets and checks the tuple inside") {
  check_codec(packet("msg", {}));
  check_codec(packet("msg", {Value{int64_t{1}}, str("hi"), Value{ov("fwd", Value{Id::from_int(3)})}}));
  check_codec(packet("ron.recv", {Value{packet("msg", {Value{Value::List{Value{true}}}})}}));
  check_codec(packet(std::string(255, 'p').c_str(), {}));
  std::vector<Value> many(255, Value{false});
  check_codec(packet("p", many));

  auto rejected = [](const std::string& inner) {
    Writer w;
    w.tag(Tag::Tuple);
    w.bytes(inner);
    std::string bytes = w.take();
    Reader r(bytes);
    Packet p;
    return !get(r, p);
  };
  std::string empty_name = packet("", {}).bytes();
  CHECK(rejected(empty_name));
  CHECK(rejected(packet(std::string(256, 'p').c_str(), {}).bytes()));
  many.push_back(Value{false});
  CHECK(rejected(packet("p", many).bytes()));                     // 256 fields
  CHECK(rejected(packet("p", {Value{int64_t{1}}}).bytes() + "\x01"));  // a field cut short
  CHECK(rejected(packet("p", {}).bytes() + "\x09"));                  // no such tag
  CHECK(rejected(""));
  CHECK(rejected(std::string("\x05\0\0\0p", 5)));  // the name runs past the end
  std::string good = packet("p", {Value{int64_t{7}}}).bytes();
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(rejected(good.substr(0, n)) == (n != 5));  // "p" with no fields is a tuple too
  }
}

TEST_CASE("decode_packet and Packet::predicate read a packet generically") {
  Packet p = packet("msg", {Value{int64_t{1}}, str("hi"), Value{ov("sr", Value{Value::List{ip("1.2.3.4:5")}})}});
  std::string predicate;
  std::vector<Value> fields{Value{true}};
  REQUIRE(decode_packet(p, predicate, fields));
  CHECK(predicate == "msg");
  REQUIRE(fields.size() == 3);
  CHECK(fields[1] == str("hi"));
  CHECK(p.predicate() == "msg");
  CHECK(to_literal(p) == "msg(1, \"hi\", sr::[\"1.2.3.4:5\"])");
  CHECK(to_literal(packet("wrap", {Value{p}, Value{packet("e", {})}})) ==
        "wrap(msg(1, \"hi\", sr::[\"1.2.3.4:5\"]), e())");

  Packet bad{p.bytes() + "\xff"};
  CHECK_FALSE(decode_packet(bad, predicate, fields));
  CHECK(to_literal(bad) == "<malformed tuple>");
  CHECK(bad.predicate() == "msg");  // only the name is read
  CHECK(Packet{}.predicate().empty());
  CHECK(Packet{std::string("\x09\0\0\0msg", 7)}.predicate().empty());  // the name runs past the end
  CHECK(to_literal(Packet{}) == "<malformed tuple>");
}

TEST_CASE("codec round trips Values of every alternative, as typed puts write them") {
  check_value_codec(Value{int64_t{-5}});
  check_value_codec(Value{2.5});
  check_value_codec(Value{true});
  check_value_codec(str("x"));
  check_value_codec(Value{Id::from_int(-1)});
  check_value_codec(Value{Addr()});
  check_value_codec(ip("1.2.3.4:5"));
  check_value_codec(Value{ov("ron", Value{ov("sr", Value{Value::List{ip("1.2.3.4:5"), str("y")}})})});
  check_value_codec(Value{Value::List{}});
  check_value_codec(Value{Value::List{Value{int64_t{1}}, str("a"), Value{Value::List{Value{false}}}}});
  check_value_codec(Value{packet("msg", {Value{int64_t{1}}})});
  check_value_codec(Value{Bytes(std::string("\x45\0\x01", 3))});
  check_value_codec(Value{*Ip::parse("198.19.0.2")});
  check_value_codec(Value{*Ip::parse("fd00::2")});

  // The same bytes as the typed encoders, so either side may be generic.
  CHECK(encode(Value{Value::List{Value{int64_t{1}}, Value{int64_t{2}}}}) == encode(std::vector<int64_t>{1, 2}));
  std::vector<Addr> typed = {Addr::ip(1, 2), ov("fwd", Value{Id::from_int(9)})};
  std::string bytes = encode(typed);
  Reader r(bytes);
  Value generic;
  REQUIRE(get(r, generic));
  std::vector<Addr> back;
  REQUIRE(convert(generic, back));
  CHECK(back == typed);
}

TEST_CASE("codec rejects a generic list longer than the bytes left, before allocating for it") {
  for (uint32_t n : {2u, 0xffffffffu}) {  // reserving 2^32 Values would throw
    Writer w;
    w.tag(Tag::List);
    w.u32(n);
    put(w, int64_t{1});
    CHECK_FALSE(decodes(w.take()));
  }
}

TEST_CASE("codec bounds nesting: kMaxNesting levels decode, one more does not") {
  std::string leaf = encode(int64_t{1});
  for (auto make : {+[](int n) { return repeat(Level::List, n); }, +[](int n) { return repeat(Level::Addr, n); },
                    +[](int n) { return repeat(Level::Tuple, n); }, +[](int n) { return mixed(n); }}) {
    CHECK(decodes(nested(make(1), leaf)));
    CHECK(decodes(nested(make(kMaxNesting - 1), leaf)));
    CHECK(decodes(nested(make(kMaxNesting), leaf)));
    CHECK_FALSE(decodes(nested(make(kMaxNesting + 1), leaf)));
    // An address is a level itself.
    CHECK(decodes(nested(make(kMaxNesting - 1), encode(Addr::ip(1, 2)))));
    CHECK_FALSE(decodes(nested(make(kMaxNesting), encode(Addr::ip(1, 2)))));
  }
  // The typed decoders start from the same budget.
  std::string addrs = nested(repeat(Level::Addr, kMaxNesting + 1), leaf);
  Reader r(addrs);
  Addr a;
  CHECK_FALSE(get(r, a));
  std::string ok = nested(repeat(Level::Addr, kMaxNesting), leaf);
  Reader r2(ok);
  CHECK(get(r2, a));
  CHECK(a.overlay_name() == "ov");
  std::string tuples = nested(repeat(Level::Tuple, kMaxNesting + 1), leaf);
  Reader r3(tuples);
  Packet p;
  CHECK_FALSE(get(r3, p));
  // decode_packet counts the packet it is given as the first level.
  std::string inner = nested(repeat(Level::List, kMaxNesting - 1), leaf);
  std::string predicate;
  std::vector<Value> fields;
  CHECK(decode_packet(Packet{std::string("\x01\0\0\0p", 5) + inner}, predicate, fields));
  inner = nested(repeat(Level::List, kMaxNesting), leaf);
  CHECK_FALSE(decode_packet(Packet{std::string("\x01\0\0\0p", 5) + inner}, predicate, fields));
}

TEST_CASE("codec rejects a 10000-deep encoding quickly, whatever nests") {
  std::string leaf = encode(int64_t{1});
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(decodes(nested(repeat(Level::List, 10000), leaf)));
  CHECK_FALSE(decodes(nested(repeat(Level::Addr, 10000), leaf)));
  CHECK_FALSE(decodes(nested(repeat(Level::Tuple, 10000), leaf)));
  CHECK_FALSE(decodes(nested(mixed(10000), leaf)));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("packet_carries finds a predicate nested at any depth, without decoding the fields") {
  auto named = [](std::string_view want) { return [want](std::string_view name) { return name == want; }; };
  Packet inner = packet("tun", {Value{Bytes(std::string(3000, 'x'))}});
  // ron.send(D, tun(...)) inside sr.send([...], ...), with an overlay address and a list on the way.
  Packet middle = packet("ron.send", {Value{ov("ron", str("1.2.3.4:5"))}, Value{inner}});
  Packet outer = packet("sr.send", {Value{Value::List{ip("1.2.3.4:5")}}, Value{middle}, Value{*Ip::parse("fd00::1")}});
  CHECK(packet_carries(outer.bytes(), named("tun")));
  CHECK(packet_carries(outer.bytes(), named("ron.send")));
  CHECK(packet_carries(outer.bytes(), named("sr.send")));
  CHECK_FALSE(packet_carries(outer.bytes(), named("chord.lookup")));
  // Malformed encodings carry nothing.
  for (size_t n = 0; n < outer.bytes().size(); n += 97)
    CHECK_FALSE(packet_carries(std::string_view(outer.bytes()).substr(0, n), named("tun")));
}
