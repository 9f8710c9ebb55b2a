#include <doctest/doctest.h>

#include "mosaic/addr.hpp"

using mosaic::Addr;

TEST_CASE("Addr parses dotted quads with a port") {
  auto a = Addr::parse("127.0.0.1:9001");
  REQUIRE(a);
  CHECK(a->kind() == Addr::Kind::Ip);
  CHECK(a->host() == 0x7f000001u);
  CHECK(a->port() == 9001);
  CHECK(a->to_string() == "127.0.0.1:9001");

  CHECK(Addr::parse("0.0.0.0:1")->to_string() == "0.0.0.0:1");
  CHECK(Addr::parse("255.255.255.255:65535")->host() == 0xffffffffu);
  CHECK(Addr::parse("198.18.0.10:80")->to_string() == "198.18.0.10:80");
  CHECK(Addr::parse("localhost:9002") == Addr::ip(0x7f000001u, 9002));
}

TEST_CASE("Addr rejects anything that is not strictly IP:port") {
  for (const char* bad : {"", ":", "127.0.0.1", "127.0.0.1:", ":9001", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:99999", "127.0.0.1:123456", "256.0.0.1:1", "1.2.3:4", "1.2.3.4.5:6",
                          "1..2.3:4", "a.b.c.d:1", "1.2.3.4:x", "1.2.3.4:-1", " 1.2.3.4:5", "1.2.3.4:5 ",
                          "1.2.3.4:+5", "01.2.3.4:5", "1.2.3.4:05", "1234.2.3.4:5", "localhost", "LOCALHOST:1",
                          "1.2.3.4:5:6", "ov::x"}) {
    CAPTURE(bad);
    CHECK_FALSE(Addr::parse(bad).has_value());
  }
}

TEST_CASE("Addr equality, order and hash follow the value") {
  Addr a = Addr::ip(0x7f000001u, 9001), b = Addr::ip(0x7f000001u, 9002);
  CHECK(a == *Addr::parse("127.0.0.1:9001"));
  CHECK(a != b);
  CHECK(a < b);
  CHECK(Addr() < a);
  CHECK(a.hash() == Addr::parse("127.0.0.1:9001")->hash());
  CHECK(a.hash() != b.hash());
  CHECK(Addr().to_string().empty());
}
