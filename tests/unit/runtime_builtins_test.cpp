#include <limits>
#include <doctest/doctest.h>

#include <set>

#include "builtins/process_rng.hpp"
#include "mosaic/builtins.hpp"
#include "mosaic/value.hpp"

using namespace mosaic;
using namespace mosaic::builtins;

namespace {
Id id(int64_t v) { return Id::from_int(v); }
}  // namespace

TEST_CASE("in_interval: the four bracket forms with lo < hi") {
  // (10, 20]
  CHECK_FALSE(in_interval<int64_t>(10, 10, 20, false, true));
  CHECK(in_interval<int64_t>(11, 10, 20, false, true));
  CHECK(in_interval<int64_t>(20, 10, 20, false, true));
  CHECK_FALSE(in_interval<int64_t>(21, 10, 20, false, true));
  // [10, 20)
  CHECK(in_interval<int64_t>(10, 10, 20, true, false));
  CHECK_FALSE(in_interval<int64_t>(20, 10, 20, true, false));
  // (10, 20)
  CHECK_FALSE(in_interval<int64_t>(10, 10, 20, false, false));
  CHECK(in_interval<int64_t>(15, 10, 20, false, false));
  CHECK_FALSE(in_interval<int64_t>(20, 10, 20, false, false));
  // [10, 20]
  CHECK(in_interval<int64_t>(10, 10, 20, true, true));
  CHECK(in_interval<int64_t>(20, 10, 20, true, true));
  CHECK_FALSE(in_interval<int64_t>(9, 10, 20, true, true));
  CHECK_FALSE(in_interval<int64_t>(5, 10, 20, true, true));
}

TEST_CASE("in_interval wraps around zero on the id ring") {
  Id lo = Id::from_int(-16), hi = id(16);  // (2^160 - 16, 16]
  CHECK(in_interval(id(0), lo, hi, false, true));
  CHECK(in_interval(id(16), lo, hi, false, true));
  CHECK(in_interval(Id::from_int(-1), lo, hi, false, true));
  CHECK_FALSE(in_interval(lo, lo, hi, false, true));
  CHECK(in_interval(lo, lo, hi, true, true));
  CHECK_FALSE(in_interval(id(17), lo, hi, false, true));
  CHECK_FALSE(in_interval(id(100), lo, hi, true, true));
  CHECK_FALSE(in_interval(id(16), lo, hi, true, false));
  CHECK(in_interval(id(15), lo, hi, false, false));
}

TEST_CASE("in_interval with lo == hi covers the ring, or all of it but the point") {
  for (bool lo_closed : {false, true}) {
    for (bool hi_closed : {false, true}) {
      bool open = !lo_closed && !hi_closed;
      CHECK(in_interval(id(5), id(5), id(5), lo_closed, hi_closed) == !open);
      CHECK(in_interval(id(6), id(5), id(5), lo_closed, hi_closed));
      CHECK(in_interval(id(4), id(5), id(5), lo_closed, hi_closed));
    }
  }
}

TEST_CASE("sha1_of is SHA-1 as a big-endian id; f_sha1 hashes an address's text") {
  CHECK(sha1_of("abc").to_string() == "0xa9993e364706816aba3e25717850c26c9cd0d89dI");
  CHECK(sha1_of("").to_string() == "0xda39a3ee5e6b4b0d3255bfef95601890afd80709I");
  CHECK(f_sha1(Addr::ip(0x7f000001u, 9001)) == sha1_of("127.0.0.1:9001"));
  CHECK(f_sha1(std::string("abc")) == sha1_of("abc"));
  CHECK(f_sha1(int64_t{42}) == sha1_of("42"));
}

TEST_CASE("sha1_of pads every message length correctly (block boundaries, long input)") {
  CHECK(sha1_of("127.0.0.1:9001").to_string() == "0x2c927f3d9c0e1fea287055d88c0d5b369564e67aI");
  CHECK(sha1_of(std::string(55, 'a')).to_string() == "0xc1c8bbdc22796e28c0e15163d20899b65621d65aI");
  CHECK(sha1_of(std::string(56, 'a')).to_string() == "0xc2db330f6083854c99d4b5bfb6e8f29f201be699I");
  CHECK(sha1_of(std::string(63, 'a')).to_string() == "0x3f09f5b158a7a8cdad920bddc29b81c18a551f5I");
  CHECK(sha1_of(std::string(64, 'a')).to_string() == "0x98ba824b5c16427bd7a1122a5a442a25ec644dI");
  CHECK(sha1_of(std::string(1000000, 'a')).to_string() == "0x34aa973cd4c4daa4f61eeb2bdbad27316534016fI");
}

TEST_CASE("f_sha1 of an overlay address hashes its literal text") {
  Addr fwd = Addr::overlay("fwd", Value{Id::from_int(31)});
  CHECK(f_sha1(fwd) == sha1_of("fwd::0x1fI"));
  CHECK(f_sha1(Addr::overlay("ron", Value{std::string("1.2.3.4:5")})) == sha1_of("ron::\"1.2.3.4:5\""));
  CHECK(f_tostr(fwd) == "fwd::0x1fI");
}

TEST_CASE("address built-ins take overlay addresses apart") {
  Addr ip = *Addr::parse("1.2.3.4:5"), none;
  Addr fwd = Addr::overlay("fwd", Value{Id::from_int(0x1f)});
  Addr ron = Addr::overlay("ron", Value{std::string("1.2.3.4:5")});
  Addr chat = Addr::overlay("chat", Value{std::string("alice")});
  Addr hop = Addr::overlay("i3", Value{Id::from_int(2)});
  Addr sr = Addr::overlay("sr", Value{Value::List{Value{ip}, Value{hop}, Value{std::string("6.7.8.9:10")}}});
  Addr via = Addr::overlay("ron", Value{sr});

  CHECK(f_ovName(fwd) == "fwd");
  CHECK(f_ovName(via) == "ron");
  CHECK(f_ovName(ip).empty());
  CHECK(f_ovName(none).empty());

  CHECK(f_ovAddr(ron) == ip);
  CHECK(f_ovAddr(via) == sr);
  CHECK(f_ovAddr(fwd) == Addr());
  CHECK(f_ovAddr(ip) == Addr());

  CHECK(f_ovId(fwd) == Id::from_int(0x1f));
  CHECK(f_ovId(Addr::overlay("n", Value{int64_t{5}})) == Id::from_int(5));
  CHECK(f_ovId(Addr::overlay("n", Value{int64_t{-5}})) == Id());
  CHECK(f_ovId(chat) == Id());
  CHECK(f_ovId(ip) == Id());

  CHECK(f_ovStr(chat) == "alice");
  CHECK(f_ovStr(ron).empty());  // an "IP:port" inner is an address
  CHECK(f_ovStr(fwd).empty());
  CHECK(f_ovStr(ip).empty());

  CHECK(f_routeHead(sr) == ip);
  Addr rest = f_routeTail(sr);
  CHECK(to_literal(rest) == "sr::[i3::0x2I, \"6.7.8.9:10\"]");
  CHECK(f_routeHead(rest) == hop);
  Addr last = f_routeTail(f_routeTail(rest));
  CHECK(to_literal(last) == "sr::[]");
  CHECK(f_routeHead(last) == Addr());
  CHECK(f_routeTail(last) == Addr());
  CHECK(f_routeHead(via) == Addr());  // ron::sr::[..] is not itself a route
  CHECK(f_routeTail(via) == Addr());
  Addr not_route = Addr::overlay("sr", Value{Value::List{Value{ip}, Value{int64_t{1}}}});
  CHECK(f_routeHead(not_route) == Addr());
  CHECK(f_routeTail(not_route) == Addr());
  CHECK(f_routeHead(ip) == Addr());
  CHECK(f_routeTail(fwd) == Addr());

  CHECK(f_isIp(ip));
  CHECK_FALSE(f_isIp(ron));
  CHECK_FALSE(f_isIp(none));
}

TEST_CASE("random built-ins stay in range and repeat under the same seed") {
  seed_process_rng(42);
  std::vector<int64_t> first;
  for (int i = 0; i < 100; ++i) {
    int64_t r = f_rand();
    CHECK(r >= 0);
    first.push_back(r);
    double d = f_drand();
    CHECK(d >= 0.0);
    CHECK(d < 1.0);
    CHECK_FALSE(f_coinFlip(0.0));
    CHECK(f_coinFlip(1.0));
  }
  seed_process_rng(42);
  for (int i = 0; i < 100; ++i) {
    CHECK(f_rand() == first[static_cast<size_t>(i)]);
    f_drand();
    f_coinFlip(0.0);  // consumes a draw, as above
    f_coinFlip(1.0);
  }
  std::set<Id> ids;
  for (int i = 0; i < 100; ++i) ids.insert(f_randID());
  CHECK(ids.size() == 100);
  CHECK(*ids.rbegin() > Id::from_int(-1) >> 8);  // high words are used too
  int heads = 0;
  for (int i = 0; i < 10000; ++i) heads += f_coinFlip(0.25);
  CHECK(heads > 2200);
  CHECK(heads < 2800);
}

TEST_CASE("f_now is wall-clock time") {
  CHECK(f_now() > 1.6e9);  // after 2020
}

TEST_CASE("f_if chooses by its condition, for any type") {
  CHECK(f_if(true, 1.5, -1.0) == 1.5);
  CHECK(f_if(false, 1.5, -1.0) == -1.0);
  Addr a = *Addr::parse("127.0.0.1:9001"), b = *Addr::parse("127.0.0.1:9002");
  CHECK(f_if(a == b, a, b) == b);
  CHECK(f_if<std::string>(true, "x", "y") == "x");
}

TEST_CASE("f_int truncates toward zero and saturates instead of overflowing") {
  CHECK(f_int(2.9) == 2);
  CHECK(f_int(-2.9) == -2);
  CHECK(f_int(1e300) == INT64_MAX);
  CHECK(f_int(-1e300) == INT64_MIN);
  CHECK(f_int(std::numeric_limits<double>::infinity()) == INT64_MAX);
  CHECK(f_int(std::numeric_limits<double>::quiet_NaN()) == 0);
}
