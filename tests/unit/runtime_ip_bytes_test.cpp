// The `ip` and `bytes` value types: literal forms, order, hashing, the wire
// codec and conversion from --facts values.
#include <doctest/doctest.h>

#include "mosaic/codec.hpp"
#include "mosaic/hash.hpp"
#include "mosaic/literal.hpp"
#include "mosaic/value.hpp"

using namespace mosaic;

TEST_CASE("ip: IPv4 and IPv6 text forms read back") {
  auto v4 = Ip::parse("198.19.0.2");
  REQUIRE(v4);
  CHECK(v4->is_v4());
  CHECK(v4->v4_host_order() == 0xc6130002u);
  CHECK(v4->to_string() == "198.19.0.2");
  auto v6 = Ip::parse("fd00::2");
  REQUIRE(v6);
  CHECK_FALSE(v6->is_v4());
  CHECK(v6->to_string() == "fd00::2");
  for (const char* bad : {"", "198.19.0", "198.19.0.256", "198.19.0.2:7000", "fd00::1::2", "localhost", " 1.2.3.4",
                          "1.2.3.4 ", "01.2.3.4x"})
    CHECK_MESSAGE(!Ip::parse(bad), bad);
}

TEST_CASE("ip: every IPv4 address orders before every IPv6 one; equal values hash alike") {
  Ip a = *Ip::parse("198.19.0.1"), b = *Ip::parse("198.19.0.2"), c = *Ip::parse("::1");
  CHECK(a < b);
  CHECK(b < c);
  CHECK(Ip::v4(0xc6130001u) == a);
  CHECK(hash_value(a) == hash_value(*Ip::parse("198.19.0.1")));
  CHECK(hash_value(a) != hash_value(b));
}

TEST_CASE("ip: network() keeps the prefix and clears the rest") {
  CHECK(Ip::parse("198.19.3.7")->network(16).to_string() == "198.19.0.0");
  CHECK(Ip::parse("198.19.3.7")->network(23).to_string() == "198.19.2.0");
  CHECK(Ip::parse("198.19.3.7")->network(32).to_string() == "198.19.3.7");
  CHECK(Ip::parse("198.19.3.7")->network(99).to_string() == "198.19.3.7");  // clamped
  CHECK(Ip::parse("198.19.3.7")->network(0).to_string() == "0.0.0.0");
  CHECK(Ip::parse("fd00:1:2:3::9")->network(48).to_string() == "fd00:1:2::");
}

TEST_CASE("bytes: hex literal form reads back; malformed hex is refused") {
  Bytes b(std::string("\x45\x00\xff", 3));
  CHECK(b.to_hex() == "0x4500ff");
  CHECK(Bytes::parse_hex("0x4500ff") == b);
  CHECK(Bytes::parse_hex("0X4500FF") == b);
  CHECK(Bytes::parse_hex("0x")->size() == 0);
  for (const char* bad : {"", "0", "4500", "0x450", "0x45g0", "x45"}) CHECK_MESSAGE(!Bytes::parse_hex(bad), bad);
  CHECK(to_literal(b) == "\"0x4500ff\"");
}

TEST_CASE("ip and bytes: the codec round-trips them, alone and inside a Value") {
  Writer w;
  put(w, *Ip::parse("198.19.0.2"));
  put(w, *Ip::parse("fd00::2"));
  put(w, Bytes(std::string("\x01\x02\x03", 3)));
  put(w, Value{*Ip::parse("10.0.0.1")});
  put(w, Value{Bytes(std::string("zz"))});
  std::string data = w.take();
  Reader r(data);
  Ip a, b;
  Bytes c;
  Value d, e;
  REQUIRE(get(r, a));
  REQUIRE(get(r, b));
  REQUIRE(get(r, c));
  REQUIRE(get(r, d));
  REQUIRE(get(r, e));
  CHECK(r.at_end());
  CHECK(a.to_string() == "198.19.0.2");
  CHECK(b.to_string() == "fd00::2");
  CHECK(c.str() == std::string("\x01\x02\x03", 3));
  CHECK(std::get<Ip>(d.v).to_string() == "10.0.0.1");
  CHECK(std::get<Bytes>(e.v).str() == "zz");
}

TEST_CASE("ip: a truncated encoding or an unknown family fails to decode") {
  Writer w;
  put(w, *Ip::parse("fd00::2"));
  std::string full = w.take();
  for (size_t n = 0; n < full.size(); ++n) {
    Reader r(std::string_view(full).substr(0, n));
    Ip ip;
    CHECK_FALSE(get(r, ip));
  }
  std::string bad = full;
  bad[1] = 5;  // family 5
  Reader r(bad);
  Ip ip;
  CHECK_FALSE(get(r, ip));
}

TEST_CASE("ip and bytes: --facts strings convert where the field wants them") {
  Ip ip;
  CHECK(convert(Value{std::string("198.19.0.9")}, ip));
  CHECK(ip.to_string() == "198.19.0.9");
  CHECK_FALSE(convert(Value{std::string("198.19.0.9:80")}, ip));
  CHECK_FALSE(convert(Value{int64_t{3}}, ip));
  Bytes b;
  CHECK(convert(Value{std::string("0x0102")}, b));
  CHECK(b.size() == 2);
  CHECK_FALSE(convert(Value{std::string("0102")}, b));
  CHECK(Value{ip}.to_literal() == "\"198.19.0.9\"");
}
