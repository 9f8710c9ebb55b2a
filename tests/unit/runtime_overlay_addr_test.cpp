// Overlay addresses (ov::x) and Values as keys: literal forms, canonical
// "IP:port" strings, and the total order, equality and hash they share.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/codec.hpp"
#include "mosaic/hash.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/value.hpp"
#include "runtime_test_values.hpp"

using namespace mosaic;
using namespace mosaic::testing;

namespace {



// compare() is a total order that agrees with ==, and equal values hash alike.
template <class T>
void check_total_order(const std::vector<T>& xs) {
  for (size_t i = 0; i < xs.size(); ++i) {
    for (size_t j = 0; j < xs.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const T &a = xs[i], &b = xs[j];
      CHECK((a < b) == (b > a));
      CHECK((a == b) == !(a < b || b < a));
      if (a == b) CHECK(hash_value(a) == hash_value(b));
      for (const T& c : xs) {
        if (a < b && b < c) CHECK(a < c);
      }
    }
  }
}

}  // namespace

TEST_CASE("overlay addresses print in their Mozlog literal form") {
  CHECK(ov("fwd", Value{Id::from_int(0x1f)}).to_string() == "fwd::0x1fI");
  CHECK(ov("ron", ip("1.2.3.4:5")).to_string() == "ron::\"1.2.3.4:5\"");
  CHECK(ov("chat", str("alice")).to_string() == "chat::\"alice\"");
  CHECK(ov("ov", Value{int64_t{-3}}).to_string() == "ov::-3");
  CHECK(ov("sr", list({ip("1.2.3.4:5"), Value{ov("i3", Value{Id::from_int(2)})}})).to_string() ==
        "sr::[\"1.2.3.4:5\", i3::0x2I]");
  CHECK(ov("ron", Value{ov("sr", list({ip("1.2.3.4:5"), Value{ov("i3", Value{Id::from_int(2)})}}))}).to_string() ==
        "ron::sr::[\"1.2.3.4:5\", i3::0x2I]");
  CHECK(ov("a.b_2", list({})).to_string() == "a.b_2::[]");
  CHECK(Addr().to_string().empty());
}

TEST_CASE("to_literal quotes an Ip address only: overlay addresses are their own syntax") {
  CHECK(to_literal(*Addr::parse("1.2.3.4:5")) == "\"1.2.3.4:5\"");
  CHECK(to_literal(Addr()) == "\"\"");
  CHECK(to_literal(ov("fwd", Value{Id::from_int(1)})) == "fwd::0x1I");
  CHECK(to_literal(std::vector<Addr>{*Addr::parse("1.2.3.4:5"), ov("ron", ip("6.7.8.9:10"))}) ==
        "[\"1.2.3.4:5\", ron::\"6.7.8.9:10\"]");
  CHECK(Value{ov("ron", ip("1.2.3.4:5"))}.to_literal() == "ron::\"1.2.3.4:5\"");
}

TEST_CASE("an \"IP:port\" string inside an overlay address is stored as the address") {
  Addr from_string = ov("ron", str("1.2.3.4:5"));
  Addr from_addr = ov("ron", ip("1.2.3.4:5"));
  CHECK(from_string == from_addr);
  CHECK(from_string.hash() == from_addr.hash());
  CHECK(std::holds_alternative<Addr>(from_string.inner().v));
  CHECK(ov("ron", str("localhost:9")).to_string() == "ron::\"127.0.0.1:9\"");
  // In lists, at any depth, and not in strings that only look close.
  Addr route = ov("sr", list({str("1.2.3.4:5"), list({str("6.7.8.9:10"), str("x")}), str("1.2.3.4"), str("")}));
  const auto& hops = std::get<Value::List>(route.inner().v);
  CHECK(std::holds_alternative<Addr>(hops[0].v));
  CHECK(std::holds_alternative<Addr>(std::get<Value::List>(hops[1].v)[0].v));
  CHECK(std::holds_alternative<std::string>(std::get<Value::List>(hops[1].v)[1].v));
  CHECK(std::holds_alternative<std::string>(hops[2].v));
  CHECK(std::holds_alternative<std::string>(hops[3].v));
  CHECK(route == ov("sr", list({ip("1.2.3.4:5"), list({ip("6.7.8.9:10"), str("x")}), str("1.2.3.4"), str("")})));
  // A string that is not an address stays one, and differs from everything else.
  CHECK(ov("chat", str("alice")) != ov("chat", Value{*Addr::parse("1.2.3.4:5")}));
}

TEST_CASE("overlay_name and inner") {
  Addr a = ov("fwd", Value{Id::from_int(7)});
  CHECK(a.is_overlay());
  CHECK_FALSE(a.is_ip());
  CHECK(a.kind() == Addr::Kind::Overlay);
  CHECK(a.overlay_name() == "fwd");
  CHECK(a.inner() == Value{Id::from_int(7)});
  CHECK(Addr::parse("1.2.3.4:5")->overlay_name().empty());
  CHECK(Addr().overlay_name().empty());
  Addr copy = a;  // shares the inner value
  CHECK(&copy.inner() == &a.inner());
  CHECK(copy == a);
}

TEST_CASE("valid_overlay_name is what the codec and --facts accept") {
  for (const char* good : {"a", "ron", "ron.sr", "i3", "a_b", "a.", "z9_.x"}) {
    CAPTURE(good);
    CHECK(Addr::valid_overlay_name(good));
  }
  CHECK(Addr::valid_overlay_name(std::string(64, 'a')));
  CHECK_FALSE(Addr::valid_overlay_name(std::string(65, 'a')));
  for (const char* bad : {"", "Ron", "rOn", "3a", "_a", ".a", "a-b", "a:b", "a b", "é"}) {
    CAPTURE(bad);
    CHECK_FALSE(Addr::valid_overlay_name(bad));
  }
}

TEST_CASE("addresses order by kind, then host and port, or name and inner value") {
  Addr none, ip1 = Addr::ip(1, 2), ip2 = Addr::ip(1, 3), ip3 = Addr::ip(2, 1);
  Addr a1 = ov("a", Value{int64_t{1}}), a2 = ov("a", Value{int64_t{2}}), af = ov("a", Value{0.5});
  Addr b0 = ov("b", Value{int64_t{0}});
  Addr sr = ov("sr", list({ip("1.2.3.4:5")})), sr2 = ov("sr", list({ip("1.2.3.4:5"), ip("1.2.3.4:6")}));
  CHECK(none < ip1);
  CHECK(ip1 < ip2);
  CHECK(ip2 < ip3);
  CHECK(ip3 < a1);  // any overlay address after any Ip address
  CHECK(a1 < a2);
  CHECK(a2 < af);   // an int before a float: by alternative first
  CHECK(af < b0);   // by name before the inner value
  CHECK(sr < sr2);  // lists lexicographically, a prefix first
  CHECK(a1 == ov("a", Value{int64_t{1}}));
  CHECK(a1 != b0);
  CHECK(a1.hash() == ov("a", Value{int64_t{1}}).hash());
  CHECK(a1.hash() != a2.hash());
  CHECK(a1.hash() != ov("b", Value{int64_t{1}}).hash());
  check_total_order(std::vector<Addr>{none, ip1, ip2, ip3, a1, a2, af, b0, sr, sr2, ov("a", Value{int64_t{1}}),
                                      ov("ron", Value{sr}), ov("ron", Value{sr2}), ov("ron", str("x"))});
}

TEST_CASE("Value: a total order by alternative then value, consistent with == and hash") {
  double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<Value> values = {
      Value{int64_t{-1}}, Value{int64_t{0}}, Value{-nan}, Value{-0.0}, Value{0.0}, Value{1.5},
      Value{std::numeric_limits<double>::infinity()}, Value{nan}, Value{false}, Value{true}, str(""), str("a"),
      str("b"),
      Value{Id()}, Value{Id::from_int(-1)}, Value{Addr()}, ip("1.2.3.4:5"), Value{ov("a", Value{int64_t{1}})},
      list({}), list({Value{int64_t{1}}}), list({Value{int64_t{1}}, Value{int64_t{0}}}), list({Value{int64_t{2}}}),
      Value{packet("a", {})}, Value{packet("a", {Value{int64_t{1}}})}, Value{packet("b", {})}};
  check_total_order(values);
  // Listed in increasing order.
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    CAPTURE(i);
    CHECK(compare(values[i], values[i + 1]) < 0);
  }
  CHECK(Value{nan} == Value{nan});  // a total order: a NaN equals itself
  CHECK(Value{-nan} != Value{nan});
  CHECK(Value{-0.0} != Value{0.0});
  CHECK(Value{int64_t{1}} != Value{1.0});  // no conversion between alternatives
  CHECK(hash_value(list({str("x")})) == hash_value(list({str("x")})));
  CHECK(hash_value(list({str("x")})) != hash_value(str("x")));
  CHECK(hash_value(Value{int64_t{1}}) != hash_value(Value{true}));
}

TEST_CASE("convert to Addr accepts an address or an \"IP:port\" string; to Packet only a packet") {
  Addr a;
  Addr o = ov("fwd", Value{Id::from_int(3)});
  REQUIRE(convert(Value{o}, a));
  CHECK(a == o);
  REQUIRE(convert(ip("1.2.3.4:5"), a));
  CHECK(a == *Addr::parse("1.2.3.4:5"));
  REQUIRE(convert(str("6.7.8.9:10"), a));
  CHECK(a.port() == 10);
  CHECK_FALSE(convert(str("fwd::0x3I"), a));
  CHECK_FALSE(convert(Value{Id::from_int(3)}, a));

  Packet p, msg = packet("msg", {Value{int64_t{1}}});
  REQUIRE(convert(Value{msg}, p));
  CHECK(p == msg);
  CHECK_FALSE(convert(str("msg(1)"), p));
  CHECK_FALSE(convert(list({}), p));

  // A source route, as generated code converts ov::x to what ov.send expects.
  std::vector<Addr> hops;
  REQUIRE(convert(ov("sr", list({str("1.2.3.4:5"), Value{o}})).inner(), hops));
  CHECK(hops == std::vector<Addr>{*Addr::parse("1.2.3.4:5"), o});
}

TEST_CASE("to_value makes the Value a typed field converts back from") {
  std::vector<Addr> hops = {*Addr::parse("1.2.3.4:5"), ov("i3", Value{Id::from_int(2)})};
  Value v = to_value(hops);
  CHECK(v.to_literal() == "[\"1.2.3.4:5\", i3::0x2I]");
  std::vector<Addr> back;
  REQUIRE(convert(v, back));
  CHECK(back == hops);
  std::vector<std::vector<int64_t>> nested = {{1}, {}, {2, 3}};
  std::vector<std::vector<int64_t>> nested_back;
  REQUIRE(convert(to_value(nested), nested_back));
  CHECK(nested_back == nested);
  CHECK(to_value(std::string("x")) == str("x"));
  CHECK(to_value(Packet{"\x01"}) == Value{Packet{"\x01"}});
}
