#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mosaic/codec.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/value.hpp"

using namespace mosaic;

TEST_CASE("to_literal writes ints, bools, ids and addresses in Mozlog form") {
  CHECK(to_literal(int64_t{-42}) == "-42");
  CHECK(to_literal(true) == "true");
  CHECK(to_literal(false) == "false");
  CHECK(to_literal(Id::from_int(31)) == "0x1fI");
  CHECK(to_literal(Addr::ip(0x7f000001u, 9001)) == "\"127.0.0.1:9001\"");
}

TEST_CASE("to_literal writes overlay addresses unquoted, whatever they nest") {
  Addr hop = *Addr::parse("10.0.0.1:7");
  CHECK(to_literal(Addr()) == "\"\"");
  CHECK(to_literal(Addr::overlay("fwd", Value{Id::from_int(31)})) == "fwd::0x1fI");
  CHECK(to_literal(Addr::overlay("ron", Value{std::string("10.0.0.1:7")})) == "ron::\"10.0.0.1:7\"");
  Addr route = Addr::overlay("sr", Value{Value::List{Value{hop}, Value{Addr::overlay("i3", Value{Id::from_int(2)})}}});
  CHECK(to_literal(route) == "sr::[\"10.0.0.1:7\", i3::0x2I]");
  CHECK(to_literal(Addr::overlay("ron", Value{route})) == "ron::sr::[\"10.0.0.1:7\", i3::0x2I]");
  CHECK(to_literal(Addr::overlay("s", Value{std::string("a\"b")})) == "s::\"a\\\"b\"");
  CHECK(to_literal(Addr::overlay("f", Value{1.0})) == "f::1.0");
}

TEST_CASE("to_literal writes a packet as its tuple, or says it is malformed") {
  Writer w;
  w.bytes("msg");
  put(w, int64_t{1});
  put(w, std::string("hi"));
  put(w, Addr::overlay("fwd", Value{Id::from_int(1)}));
  Packet p{w.take()};
  CHECK(to_literal(p) == "msg(1, \"hi\", fwd::0x1I)");
  CHECK(Value{p}.to_literal() == "msg(1, \"hi\", fwd::0x1I)");
  CHECK(to_literal(std::vector<Packet>{p, Packet{}}) == "[msg(1, \"hi\", fwd::0x1I), <malformed tuple>]");
  CHECK(to_literal(Packet{p.bytes().substr(0, p.bytes().size() - 1)}) == "<malformed tuple>");
}

TEST_CASE("to_literal writes floats so that they read back as floats, exactly") {
  CHECK(to_literal(1.0) == "1.0");
  CHECK(to_literal(0.0) == "0.0");
  CHECK(to_literal(-3.0) == "-3.0");
  CHECK(to_literal(0.1) == "0.1");
  CHECK(to_literal(2.5) == "2.5");
  CHECK(to_literal(1e21) == "1e+21");
  CHECK(to_literal(123456789.0) == "123456789.0");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    double d = dist(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
    std::string text = to_literal(d);
    CHECK(text.find_first_of(".e") != std::string::npos);
    double back;
    std::from_chars(text.data(), text.data() + text.size(), back);
    CHECK(back == d);
  }
}

TEST_CASE("to_literal quotes and escapes strings") {
  CHECK(to_literal(std::string("abc")) == "\"abc\"");
  CHECK(to_literal(std::string("a\"b\\c\nd\te")) == "\"a\\\"b\\\\c\\nd\\te\"");
  CHECK(to_literal(std::string()) == "\"\"");
}

TEST_CASE("to_literal writes lists element by element") {
  CHECK(to_literal(std::vector<int64_t>{}) == "[]");
  CHECK(to_literal(std::vector<std::string>{"a", "b"}) == "[\"a\", \"b\"]");
  CHECK(to_literal(std::vector<std::vector<int64_t>>{{1}, {2, 3}}) == "[[1], [2, 3]]");
}

TEST_CASE("Value::to_literal") {
  Value v{Value::List{Value{int64_t{1}}, Value{2.0}, Value{std::string("x")}, Value{true}, Value{Id::from_int(16)},
                      Value{Value::List{}}}};
  CHECK(v.to_literal() == "[1, 2.0, \"x\", true, 0x10I, []]");
  Value addrs{Value::List{Value{Addr()}, Value{Addr::ip(0x7f000001u, 1)}, Value{Addr::overlay("o", Value{true})}}};
  CHECK(addrs.to_literal() == "[\"\", \"127.0.0.1:1\", o::true]");
}

TEST_CASE("convert accepts matching values and the documented widenings") {
  int64_t i = 0;
  CHECK(convert(Value{int64_t{7}}, i));
  CHECK(i == 7);
  CHECK_FALSE(convert(Value{7.0}, i));
  CHECK_FALSE(convert(Value{true}, i));

  double d = 0;
  CHECK(convert(Value{int64_t{7}}, d));
  CHECK(d == 7.0);
  CHECK(convert(Value{0.5}, d));
  CHECK(d == 0.5);
  CHECK_FALSE(convert(Value{std::string("0.5")}, d));

  bool b = false;
  CHECK(convert(Value{true}, b));
  CHECK(b);
  CHECK_FALSE(convert(Value{int64_t{1}}, b));

  std::string s;
  CHECK(convert(Value{std::string("hi")}, s));
  CHECK(s == "hi");
  CHECK_FALSE(convert(Value{int64_t{1}}, s));

  Id id;
  CHECK(convert(Value{Id::from_int(5)}, id));
  CHECK(id == Id::from_int(5));
  CHECK(convert(Value{int64_t{6}}, id));
  CHECK(id == Id::from_int(6));
  CHECK_FALSE(convert(Value{int64_t{-1}}, id));
  CHECK_FALSE(convert(Value{std::string("0x1fI")}, id));

  Addr a;
  CHECK(convert(Value{std::string("127.0.0.1:9001")}, a));
  CHECK(a == Addr::ip(0x7f000001u, 9001));
  CHECK_FALSE(convert(Value{std::string("nowhere")}, a));
  CHECK_FALSE(convert(Value{int64_t{1}}, a));
}

TEST_CASE("convert to a list checks every element") {
  std::vector<Addr> addrs;
  Value good{Value::List{Value{std::string("1.2.3.4:5")}, Value{std::string("localhost:6")}}};
  REQUIRE(convert(good, addrs));
  CHECK(addrs.size() == 2);
  CHECK(addrs[1].port() == 6);
  Value bad{Value::List{Value{std::string("1.2.3.4:5")}, Value{int64_t{1}}}};
  CHECK_FALSE(convert(bad, addrs));
  CHECK_FALSE(convert(Value{int64_t{1}}, addrs));
  std::vector<std::vector<double>> nested;
  REQUIRE(convert(Value{Value::List{Value{Value::List{Value{int64_t{1}}, Value{2.5}}}}}, nested));
  CHECK(nested == std::vector<std::vector<double>>{{1.0, 2.5}});
}
