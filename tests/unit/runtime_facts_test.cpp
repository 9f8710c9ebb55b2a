#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "facts/facts_parser.hpp"
#include "mosaic/codec.hpp"
#include "mosaic/literal.hpp"

using namespace mosaic;

namespace {

std::vector<Fact> good(const std::string& text) {
  ParsedFacts p = parse_facts(text);
  if (p.error) FAIL_CHECK(p.error->message);
  return p.facts;
}

FactsError bad(const std::string& text) {
  ParsedFacts p = parse_facts(text);
  REQUIRE(p.error);
  return *p.error;
}

std::string literals(const Fact& f) {
  std::string out;
  for (const Value& v : f.args) out += (out.empty() ? "" : " ") + v.to_literal();
  return out;
}

}  // namespace

TEST_CASE("facts: one fact with addresses and an int") {
  auto facts = good("link(\"127.0.0.1:9001\", \"127.0.0.1:9002\", 3).\n");
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].predicate == "link");
  REQUIRE(facts[0].args.size() == 3);
  CHECK(std::get<std::string>(facts[0].args[0].v) == "127.0.0.1:9001");
  CHECK(std::get<int64_t>(facts[0].args[2].v) == 3);
  CHECK(facts[0].where.line == 1);
  CHECK(facts[0].where.column == 1);
}

TEST_CASE("facts: every kind of literal") {
  auto facts = good("p(1, -2, 0x1f, -0x10, 1.5, -2.5e3, 1e2, \"a\\\"b\\\\c\\nd\\te\", true, false, 0x1fI, 0x00I, "
                    "[], [1, [2, \"x\"]], 9223372036854775807, -9223372036854775808, 0xffffffffffffffff).");
  REQUIRE(facts.size() == 1);
  CHECK(literals(facts[0]) ==
        "1 -2 31 -16 1.5 -2500.0 100.0 \"a\\\"b\\\\c\\nd\\te\" true false 0x1fI 0x0I [] [1, [2, \"x\"]] "
        "9223372036854775807 -9223372036854775808 -1");
  CHECK(std::holds_alternative<double>(facts[0].args[6].v));  // 1e2 is a float
  CHECK(std::get<std::string>(facts[0].args[7].v) == "a\"b\\c\nd\te");
}

TEST_CASE("facts: several per line, comments, dotted names, '@' and empty argument lists") {
  auto facts = good(
      "// a comment\n"
      "a(1). b(2).  /* a block\n comment */ ron.link(@\"1.2.3.4:5\", 6).\n"
      "\tc ( 7 , 8 ) . // trailing\n"
      "d().\n"
      "e(- 3).");
  REQUIRE(facts.size() == 6);
  CHECK(facts[0].predicate == "a");
  CHECK(facts[1].predicate == "b");
  CHECK(facts[1].where.column == 7);
  CHECK(facts[2].predicate == "ron.link");
  CHECK(facts[2].where.line == 3);  // after the block comment's newline
  CHECK(literals(facts[2]) == "\"1.2.3.4:5\" 6");
  CHECK(facts[3].predicate == "c");
  CHECK(facts[3].where.line == 4);
  CHECK(facts[3].where.column == 2);
  CHECK(literals(facts[3]) == "7 8");
  CHECK(facts[4].args.empty());
  CHECK(literals(facts[5]) == "-3");
}

TEST_CASE("facts: an empty file or one with only comments holds no facts") {
  CHECK(good("").empty());
  CHECK(good("  \n// x\n/* y */\n").empty());
}

TEST_CASE("facts: literals written by to_literal read back") {
  Addr route = Addr::overlay("sr", Value{Value::List{Value{*Addr::parse("1.2.3.4:5")},
                                                     Value{Addr::overlay("i3", Value{Id::from_int(2)})}}});
  std::vector<Value> values = {Value{int64_t{-5}}, Value{0.1}, Value{1e300}, Value{-0.0}, Value{1.0},
                               Value{std::string("q\"\\\n\t")}, Value{Id::from_int(-1)},
                               Value{Value::List{Value{true}, Value{Value::List{}}}},
                               Value{Addr::overlay("fwd", Value{Id::from_int(31)})}, Value{route},
                               Value{Addr::overlay("ron", Value{route})},
                               Value{Addr::overlay("chat", Value{std::string("ron::x")})},
                               Value{Addr::overlay("a.b", Value{Value::List{Value{-1.5}}})}};
  for (const Value& v : values) {
    std::string text = "p(" + v.to_literal() + ").";
    CAPTURE(text);
    auto facts = good(text);
    REQUIRE(facts.size() == 1);
    REQUIRE(facts[0].args.size() == 1);
    CHECK(facts[0].args[0].to_literal() == v.to_literal());
    CHECK(facts[0].args[0].v.index() == v.v.index());
    CHECK(facts[0].args[0] == v);
  }
}

TEST_CASE("facts: errors are located at the offending line and column") {
  struct Case {
    const char* text;
    int line, column;
    const char* message_part;
  };
  const Case cases[] = {
      {"p(1)", 1, 5, "'.'"},
      {"p(1) q(2).", 1, 6, "'.'"},
      {"p(1,).", 1, 5, "expected a value"},
      {"p(1 2).", 1, 5, "','"},
      {"\n  p(\"abc).", 2, 5, "unterminated string"},
      {"p(\"a\nb\").", 1, 3, "unterminated string"},
      {"p(\"a\\qb\").", 1, 5, "escape"},
      {"p(foo).", 1, 3, "'foo' is not a value"},
      {"P(1).", 1, 1, "predicate name"},
      {"(1).", 1, 1, "predicate name"},
      {"p 1.", 1, 3, "'('"},
      {"p([1, 2).", 1, 8, "']'"},
      {"/* never\nclosed", 1, 1, "unterminated comment"},
      {"p(9223372036854775808).", 1, 3, "64 bits"},
      {"p(-9223372036854775809).", 1, 3, "64 bits"},
      {"p(0x10000000000000000).", 1, 3, "64 bits"},
      {"p(0x1ffffffffffffffffffffffffffffffffffffffffI).", 1, 3, "160 bits"},
      {"p(-0x1I).", 1, 3, "negative"},
      {"p(0x).", 1, 3, "no digits"},
      {"p(12ab).", 1, 5, "after a number"},
      {"p(1e999).", 1, 3, "out of range"},
      {"p(-).", 1, 4, "number"},
      {"ok(1).\nok(2).\np(@).", 3, 4, "expected a value"},
      {"p(1)\n.\nq(", 3, 3, "expected a value"},
      {"p(ron).", 1, 3, "'ron' is not a value"},
      {"p(ron.sr).", 1, 3, "'ron' is not a value"},
      {"p(ron:1).", 1, 3, "'ron' is not a value"},
      {"p(ron ::1).", 1, 3, "'ron' is not a value"},
      {"p(ov::).", 1, 7, "expected a value"},
      {"p(ov::ron).", 1, 7, "'ron' is not a value"},
      {"p(\n  ov::[1, x]).", 2, 11, "'x' is not a value"},
      {"p(1, Ron::1).", 1, 6, "'Ron' is not an overlay name"},
      {"p(rOn::1).", 1, 3, "'rOn' is not an overlay name"},
      {"p(ok::_x::1).", 1, 7, "expected a value"},
      {"p(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa::1).", 1, 3, "at most 64"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    FactsError e = bad(c.text);
    CHECK(e.where.line == c.line);
    CHECK(e.where.column == c.column);
    CHECK(e.message.find(c.message_part) != std::string::npos);
  }
}

TEST_CASE("facts: overlay addresses, nested and canonical") {
  auto facts = good("route(ron::sr::[\"127.0.0.1:9001\", fwd::0x10I], i3::0x1fI, chat::\"alice\", ov:: 3,\n"
                    "  ron.v2::\"localhost:9\", x::[[\"1.2.3.4:5\"]], f::true, n::-1.5, true::false).");
  REQUIRE(facts.size() == 1);
  CHECK(literals(facts[0]) ==
        "ron::sr::[\"127.0.0.1:9001\", fwd::0x10I] i3::0x1fI chat::\"alice\" ov::3 ron.v2::\"127.0.0.1:9\" "
        "x::[[\"1.2.3.4:5\"]] f::true n::-1.5 true::false");
  const Addr& ron = std::get<Addr>(facts[0].args[0].v);
  CHECK(ron.overlay_name() == "ron");
  const Addr& sr = std::get<Addr>(ron.inner().v);
  CHECK(sr.overlay_name() == "sr");
  const auto& hops = std::get<Value::List>(sr.inner().v);
  REQUIRE(hops.size() == 2);
  CHECK(std::get<Addr>(hops[0].v) == *Addr::parse("127.0.0.1:9001"));  // "IP:port" became the address
  CHECK(std::get<Addr>(hops[1].v).inner() == Value{Id::from_int(16)});
  CHECK(std::get<Addr>(facts[0].args[4].v).overlay_name() == "ron.v2");
  CHECK(std::get<Addr>(facts[0].args[8].v).overlay_name() == "true");  // a name before "::", as in programs
  // Outside overlay addresses a string stays a string; the program converts it.
  CHECK(std::holds_alternative<std::string>(good("p(\"1.2.3.4:5\").")[0].args[0].v));
}

TEST_CASE("facts: lists and overlay addresses nest at most kMaxNesting deep, errors at the level too many") {
  auto lists = [](int n) {
    size_t k = static_cast<size_t>(n);
    return "p(" + std::string(k, '[') + std::string(k, ']') + ").";
  };
  auto overlays = [](int n, const std::string& leaf) {
    std::string text = "p(";
    for (int i = 0; i < n; ++i) text += "o::";
    return text + leaf + ").";
  };
  CHECK(good(lists(kMaxNesting)).size() == 1);
  FactsError e = bad(lists(kMaxNesting + 1));
  CHECK(e.where.column == 3 + kMaxNesting);
  CHECK(e.message.find("nested more than 32 levels") != std::string::npos);

  CHECK(good(overlays(kMaxNesting, "1")).size() == 1);
  e = bad(overlays(kMaxNesting + 1, "1"));
  CHECK(e.where.column == 3 + 3 * kMaxNesting);
  CHECK(e.message.find("nested more than") != std::string::npos);
  // Mixed: o::[o::[...]]
  std::string mixed = "p(";
  for (int i = 0; i < kMaxNesting / 2; ++i) mixed += "o::[";
  CHECK(good(mixed + std::string(kMaxNesting / 2, ']') + ").").size() == 1);
  e = bad(mixed + "1, [2]" + std::string(kMaxNesting / 2, ']') + ").");
  CHECK(e.where.column == static_cast<int>(mixed.size()) + 4);

  // An "IP:port" string inside an overlay address is an address, one level more; another string is not.
  CHECK(good(overlays(kMaxNesting - 1, "\"1.2.3.4:5\"")).size() == 1);
  CHECK(good(overlays(kMaxNesting, "\"x\"")).size() == 1);
  e = bad(overlays(kMaxNesting, "\"1.2.3.4:5\""));
  CHECK(e.where.column == 3 + 3 * kMaxNesting);
  // What --facts accepts, the wire carries.
  for (const std::string& text : {lists(kMaxNesting), overlays(kMaxNesting, "1"),
                                  overlays(kMaxNesting - 1, "\"1.2.3.4:5\"")}) {
    Value v = good(text).at(0).args.at(0);
    Writer w;
    put(w, v);
    std::string bytes = w.take();
    Reader r(bytes);
    Value back;
    CHECK(get(r, back));
    CHECK(back == v);
  }
  // Deep input is refused quickly, without deep recursion.
  CHECK(bad(lists(100000)).where.column == 3 + kMaxNesting);
  CHECK(bad(overlays(100000, "1")).where.column == 3 + 3 * kMaxNesting);
}

TEST_CASE("fact_mismatch names the field that does not fit, or the count") {
  std::vector<Value> v = {Value{std::string("127.0.0.1:1")}, Value{std::string("127.0.0.1:2")}, Value{std::string("x")}};
  CHECK(fact_mismatch("link(addr, addr, int)", v, 2) == "field 3 must be int, not \"x\"; expected link(addr, addr, int)");
  CHECK(fact_mismatch("path(addr, list<addr>)", v, 1) ==
        "field 2 must be list<addr>, not \"127.0.0.1:2\"; expected path(addr, list<addr>)");
  CHECK(fact_mismatch("link(addr, addr, int, int)", v, 3) == "3 values given; expected link(addr, addr, int, int)");
  CHECK(fact_mismatch("one(int)", {}, 0) == "0 values given; expected one(int)");
}
