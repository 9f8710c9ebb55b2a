#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mosaic/codec.hpp"

using namespace mosaic;

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
  for (int kind = 2; kind < 256; ++kind) {
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
