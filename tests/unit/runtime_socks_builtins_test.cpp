// The SOCKS5 built-ins of overlays/socks: how much of each handshake message
// is still missing, what comes after it, and what the server answers —
// including to malformed, truncated and hostile messages.
#include <doctest/doctest.h>

#include "mosaic/builtins.hpp"

using namespace mosaic;
using namespace mosaic::builtins;

namespace {

Bytes b(std::initializer_list<int> v) {
  std::string s;
  for (int x : v) s += static_cast<char>(x);
  return Bytes(s);
}
Bytes cat(const Bytes& a, const std::string& tail) { return Bytes(a.str() + tail); }

const std::vector<std::string> kNone, kUsers{"alice:secret"};

}  // namespace

TEST_CASE("socks: the greeting is read in two pieces, and its method chosen") {
  CHECK(f_socksNeed(0, Bytes()) == 2);
  CHECK(f_socksNeed(0, b({5, 2})) == 2);
  CHECK(f_socksNeed(0, b({5, 2, 0, 2})) == 0);
  CHECK(f_socksNext(0, b({5, 2, 0, 2}), kNone, kNone) == 2);          // no authentication: straight to the request
  CHECK(f_socksReply(0, b({5, 2, 0, 2}), kNone, kNone) == b({5, 0}));
  CHECK(f_socksNext(0, b({5, 2, 0, 2}), kUsers, kNone) == 1);         // users configured: username/password
  CHECK(f_socksReply(0, b({5, 2, 0, 2}), kUsers, kNone) == b({5, 2}));
  CHECK(f_socksNext(0, b({5, 1, 0}), kUsers, kNone) == -1);           // the client cannot authenticate
  CHECK(f_socksReply(0, b({5, 1, 0}), kUsers, kNone) == b({5, 0xff}));
}

TEST_CASE("socks: malformed greetings are refused with 05 ff") {
  for (const Bytes& bad : {b({4, 1}), b({5, 0}), b({0xff}), b({5, 1, 0, 0})}) {  // version, zero methods, cut short, too long
    CAPTURE(bad.to_hex());
    CHECK(f_socksNeed(0, bad) == -1);
    CHECK(f_socksNext(0, bad, kNone, kNone) == -1);
    CHECK(f_socksReply(0, bad, kNone, kNone) == b({5, 0xff}));
  }
}

TEST_CASE("socks: username/password (RFC 1929)") {
  Bytes right = cat(b({1, 5}), "alice" + std::string(1, 6) + "secret");
  CHECK(f_socksNeed(1, b({1, 5})) == 6);            // through the password's length
  CHECK(f_socksNeed(1, cat(b({1, 5}), "alice" + std::string(1, 6))) == 6);
  CHECK(f_socksNeed(1, right) == 0);
  CHECK(f_socksNext(1, right, kUsers, kNone) == 2);
  CHECK(f_socksReply(1, right, kUsers, kNone) == b({1, 0}));
  Bytes wrong = cat(b({1, 5}), "alice" + std::string(1, 5) + "wrong");
  CHECK(f_socksNext(1, wrong, kUsers, kNone) == -1);
  CHECK(f_socksReply(1, wrong, kUsers, kNone) == b({1, 1}));
  CHECK(f_socksNeed(1, b({1, 0})) == -1);           // an empty user name
  CHECK(f_socksNeed(1, b({2, 5})) == -1);           // another subnegotiation version
}

TEST_CASE("socks: CONNECT requests with IPv4, IPv6 and domain-name destinations") {
  Bytes v4 = b({5, 1, 0, 1, 198, 18, 2, 2, 0x1f, 0x90});
  CHECK(f_socksNeed(2, Bytes()) == 5);
  CHECK(f_socksNeed(2, b({5, 1, 0, 1, 198})) == 5);
  CHECK(f_socksNeed(2, v4) == 0);
  CHECK(f_socksNext(2, v4, kNone, kNone) == 3);
  CHECK(f_socksHost(v4) == "198.18.2.2");
  CHECK(f_socksPort(v4) == 8080);

  std::string v6 = std::string("\x05\x01\x00\x04", 4) + std::string(15, '\0') + std::string("\x01\x00\x50", 3);
  CHECK(f_socksNeed(2, Bytes(v6)) == 0);
  CHECK(f_socksHost(Bytes(v6)) == "::1");
  CHECK(f_socksPort(Bytes(v6)) == 80);

  Bytes name = cat(b({5, 1, 0, 3, 11}), "example.org" + std::string("\x01\xbb", 2));
  CHECK(f_socksNeed(2, b({5, 1, 0, 3, 11})) == 13);
  CHECK(f_socksNeed(2, name) == 0);
  CHECK(f_socksHost(name) == "example.org");
  CHECK(f_socksPort(name) == 443);
  CHECK(f_socksConnectReply(true) == b({5, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  CHECK(f_socksConnectReply(false) == b({5, 1, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("socks: refused requests get RFC 1928's reply codes") {
  Bytes bind = b({5, 2, 0, 1, 198, 18, 2, 2, 0, 80});
  CHECK(f_socksNext(2, bind, kNone, kNone) == -1);
  CHECK(f_socksReply(2, bind, kNone, kNone).str()[1] == 7);       // command not supported
  Bytes type = b({5, 1, 0, 5, 0});
  CHECK(f_socksNeed(2, type) == 0);
  CHECK(f_socksReply(2, type, kNone, kNone).str()[1] == 8);       // address type not supported
  CHECK(f_socksNeed(2, b({5, 1, 0, 3, 0})) == -1);                // an empty domain name
  CHECK(f_socksReply(2, b({0xff}), kNone, kNone).str()[1] == 1);  // cut short by the end of the stream
  CHECK(f_socksHost(b({5, 1, 0})) == "");                         // incomplete: no destination
  CHECK(f_socksPort(b({5, 1, 0})) == 0);
}

TEST_CASE("socks: the allow list restricts where an exit connects") {
  const std::vector<std::string> allow{"198.18.2.0/24", "fd00::/8", "example.org", ".mosaic.test"};
  auto request = [](const std::string& host) {
    Bytes r = cat(b({5, 1, 0, 3, static_cast<int>(host.size())}), host + std::string("\x00\x50", 2));
    if (auto ip = Ip::parse(host); ip && ip->is_v4()) {
      auto a = ip->bytes();
      r = b({5, 1, 0, 1, a[0], a[1], a[2], a[3], 0, 80});
    }
    return r;
  };
  CHECK(f_socksNext(2, request("198.18.2.9"), kNone, allow) == 3);
  CHECK(f_socksNext(2, request("198.18.3.9"), kNone, allow) == -1);
  CHECK(f_socksReply(2, request("198.18.3.9"), kNone, allow).str()[1] == 2);  // not allowed by the rule set
  CHECK(f_socksNext(2, request("example.org"), kNone, allow) == 3);
  CHECK(f_socksNext(2, request("www.example.org"), kNone, allow) == -1);      // a name, not a suffix entry
  CHECK(f_socksNext(2, request("a.mosaic.test"), kNone, allow) == 3);
  CHECK(f_socksNext(2, request("mosaic.test"), kNone, allow) == -1);
  CHECK(f_socksNext(2, request("198.18.3.9"), kNone, {}) == 3);              // no list: anywhere
}

TEST_CASE("bytes: concatenation shares what it can") {
  Bytes a(std::string("ab")), e;
  CHECK(f_bytesConcat(a, e) == a);
  CHECK(f_bytesConcat(e, a) == a);
  CHECK(f_bytesConcat(a, a).str() == "abab");
}
