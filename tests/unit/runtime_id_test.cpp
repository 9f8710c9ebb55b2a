#include <doctest/doctest.h>

#include <string>

#include "mosaic/id.hpp"

using mosaic::Id;

namespace {
const std::string kMaxHex = "0x" + std::string(40, 'f') + "I";
Id hex(const char* text) { return Id::from_hex(text).value(); }
}  // namespace

TEST_CASE("Id literal form uses minimal lowercase digits") {
  CHECK(Id().to_string() == "0x0I");
  CHECK(Id::from_int(0).to_string() == "0x0I");
  CHECK(Id::from_int(31).to_string() == "0x1fI");
  CHECK(Id::from_int(0x123456789abLL).to_string() == "0x123456789abI");
  CHECK(hex("0x00000000000000000000000000000000000000ABI").to_string() == "0xabI");
}

TEST_CASE("Id::from_int wraps negative values modulo 2^160") {
  CHECK(Id::from_int(-1).to_string() == kMaxHex);
  CHECK(Id::from_int(-2) + Id::from_int(2) == Id());
  CHECK(Id::from_int(INT64_MIN).to_string() == "0x" + std::string(24, 'f') + "8000000000000000I");
}

TEST_CASE("Id::from_hex accepts the three spellings and rejects the rest") {
  CHECK(hex("1f") == Id::from_int(31));
  CHECK(hex("0x1f") == Id::from_int(31));
  CHECK(hex("0x1fI") == Id::from_int(31));
  CHECK(hex("0X1F") == Id::from_int(31));
  CHECK(hex("1fI") == Id::from_int(31));
  CHECK(hex(kMaxHex.c_str()) == Id::from_int(-1));
  // Leading zeros do not count against the 40 significant digits.
  CHECK(hex(("0x0000" + std::string(40, 'f')).c_str()) == Id::from_int(-1));

  for (const char* bad : {"", "0x", "I", "0xI", "xyz", "0x1g", "1 f", "-1", "0x1fi", "0x1fII", "+1"}) {
    CAPTURE(bad);
    CHECK_FALSE(Id::from_hex(bad).has_value());
  }
  CHECK_FALSE(Id::from_hex("1" + std::string(40, '0')).has_value());  // 41 significant digits
}

TEST_CASE("Id addition and subtraction carry across words and wrap") {
  CHECK(hex("ffffffff") + Id::from_int(1) == hex("100000000"));
  CHECK(hex("100000000") - Id::from_int(1) == hex("ffffffff"));
  CHECK(Id::from_int(-1) + Id::from_int(1) == Id());
  CHECK(Id() - Id::from_int(1) == Id::from_int(-1));
  CHECK(hex("0x8000000000000000000000000000000000000000") + hex("0x8000000000000000000000000000000000000000") == Id());
  Id a = hex("0x123456789abcdef0123456789abcdef012345678");
  Id b = hex("0xfedcba9876543210fedcba9876543210fedcba98");
  CHECK(a + b - b == a);
  CHECK(a - b + b == a);
  CHECK((a + b).to_string() == "0x1111111111111101111111111111110111111110I");
}

TEST_CASE("Id shifts by bits, across words, to zero at 160 and not at all for negative counts") {
  Id one = Id::from_int(1);
  CHECK((one << 159).to_string() == "0x8" + std::string(39, '0') + "I");
  CHECK((one << 160) == Id());
  CHECK((one << 1000) == Id());
  CHECK((one << 32) == hex("100000000"));
  CHECK((one << 37) == hex("2000000000"));
  CHECK((Id::from_int(-1) >> 159) == one);
  CHECK((Id::from_int(-1) >> 160) == Id());
  CHECK((hex("2000000000") >> 37) == one);
  Id a = hex("0x123456789abcdef0123456789abcdef012345678");
  CHECK((a << -5) == a);
  CHECK((a >> -5) == a);
  CHECK((a << 0) == a);
  CHECK((a << 4).to_string() == "0x23456789abcdef0123456789abcdef0123456780I");
  CHECK((a >> 4).to_string() == "0x123456789abcdef0123456789abcdef01234567I");
  CHECK((a >> 68).to_string() == "0x123456789abcdef01234567I");
}

TEST_CASE("Id compares numerically and hashes by value") {
  CHECK(Id::from_int(1) < hex("100000000"));
  CHECK(hex("ffffffff") < hex("100000000"));
  CHECK(Id() < Id::from_int(-1));
  CHECK(hex("abc").hash() == Id::from_int(0xabc).hash());
  CHECK(hex("abc").hash() != hex("abd").hash());
}

TEST_CASE("Id bytes are big-endian and round trip") {
  unsigned char bytes[20] = {};
  bytes[19] = 0x1f;
  bytes[0] = 0x80;
  Id id = Id::from_bytes(bytes);
  CHECK(id.to_string() == "0x800000000000000000000000000000000000001fI");
  unsigned char out[20];
  Id a = hex("0x123456789abcdef0123456789abcdef012345678");
  a.to_bytes(out);
  CHECK(out[0] == 0x12);
  CHECK(out[19] == 0x78);
  CHECK(Id::from_bytes(out) == a);
}

TEST_CASE("Id literal round trips through from_hex") {
  Id x = Id::from_int(0x9e3779b97f4a7c15LL);
  for (int i = 0; i < 50; ++i) {
    x = x + (x << 13) + Id::from_int(i);
    CHECK(Id::from_hex(x.to_string()) == x);
  }
}
