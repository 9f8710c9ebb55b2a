// Our own fragmentation of large datagrams (link/udp/udp_fragments): split
// into equal-sized trains, reassembled in any order, duplicates ignored,
// malformed fragments counted, partial state bounded in number and time; and
// the UDP transport carrying trains over 127.0.0.1 (UDP GSO send, GRO receive).
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <random>

#include "link/udp/udp_fragments.hpp"
#include "link/udp/udp_transport.hpp"

using namespace mosaic;
namespace uf = mosaic::udp_fragment;

namespace {

std::string blob(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::vector<std::string_view> fragments(const std::string& train) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at < train.size(); at += uf::kPathPayload)
    out.push_back(std::string_view(train).substr(at, std::min(uf::kPathPayload, train.size() - at)));
  return out;
}

const Addr kFrom = Addr::ip(0xc6120001, 7000);

}  // namespace

TEST_CASE("udp fragments: small datagrams are not split; large ones become equal-sized fragments") {
  std::string train;
  CHECK(uf::split(blob(uf::kPathPayload, 1), 1, train) == 0);
  CHECK(uf::split(blob(uf::kMaxDatagram + 1, 1), 1, train) == 0);
  std::string d = blob(60000, 2);
  std::size_t count = uf::split(d, 7, train);
  CHECK(count == (60000 + uf::kChunk - 1) / uf::kChunk);
  auto parts = fragments(train);
  REQUIRE(parts.size() == count);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) CHECK(parts[i].size() == uf::kPathPayload);
  CHECK(uf::is_fragment(parts[0]));
  CHECK_FALSE(uf::is_fragment("MZ\x01\x02 not a fragment"));
}

TEST_CASE("udp fragments: reassembled in any order, duplicates ignored") {
  for (std::size_t size : {uf::kPathPayload + 1, std::size_t{20000}, std::size_t{65000}, uf::kChunk * 5}) {
    CAPTURE(size);
    std::string d = blob(size, static_cast<unsigned>(size));
    std::string train;
    uf::split(d, 42, train);
    auto parts = fragments(train);
    std::mt19937 rng(3);
    std::shuffle(parts.begin(), parts.end(), rng);
    Reassembly r;
    std::optional<std::string> whole;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto got = r.add(kFrom, parts[i], 0.0);
      if (i + 1 < parts.size()) CHECK_FALSE(got);
      else whole = got;
      if (i == 0) CHECK_FALSE(r.add(kFrom, parts[0], 0.0));  // a duplicate
    }
    REQUIRE(whole);
    CHECK(*whole == d);
    CHECK(r.partial() == 0);
    CHECK(r.malformed() == 0);
  }
}

TEST_CASE("udp fragments: senders and ids are kept apart; malformed fragments are counted") {
  std::string a = blob(5000, 5), b = blob(5000, 6), ta, tb;
  uf::split(a, 1, ta);
  uf::split(b, 1, tb);  // the same id from another sender
  auto pa = fragments(ta), pb = fragments(tb);
  Reassembly r;
  const Addr other = Addr::ip(0xc6120002, 7000);
  std::optional<std::string> got_a, got_b;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (auto g = r.add(kFrom, pa[i], 0.0)) got_a = g;
    if (auto g = r.add(other, pb[i], 0.0)) got_b = g;
  }
  CHECK(got_a == a);
  CHECK(got_b == b);
  std::string bad(pa[0]);
  bad[3] = 1;  // a count of 1
  CHECK_FALSE(r.add(kFrom, bad, 0.0));
  bad = std::string(pa[0]);
  bad[4] = static_cast<char>(200);  // index past the count
  CHECK_FALSE(r.add(kFrom, bad, 0.0));
  CHECK_FALSE(r.add(kFrom, std::string(pa[0]).substr(0, 100), 0.0));  // a short middle fragment
  CHECK(r.malformed() == 3);
}

TEST_CASE("udp fragments: partial datagrams expire, and their number is bounded") {
  Reassembly r;
  std::string train;
  for (uint32_t id = 0; id < uf::kMaxPartial + 10; ++id) {
    uf::split(blob(3000, id), id, train);
    r.add(kFrom, fragments(train)[0], 0.0);
  }
  CHECK(r.partial() == uf::kMaxPartial);
  CHECK(r.expired() == 10);
  uf::split(blob(3000, 99), 999, train);
  r.add(kFrom, fragments(train)[0], uf::kPartialLife + 0.5);
  CHECK(r.partial() == 1);  // every older one timed out
}

TEST_CASE("udp transport: large datagrams cross 127.0.0.1 as fragment trains and arrive whole, small ones as they are") {
  boost::asio::io_context io;
  UdpTransport a(io), b(io);
  std::string error;
  REQUIRE(a.open(Addr::ip(0x7f000001, 0), error));  // port 0: any free one (a only sends)
  uint16_t port = 0;  // b must be reachable: the first free port of a range
  for (uint16_t p = 47000; p < 47100 && !port; ++p)
    if (b.open(Addr::ip(0x7f000001, p), error)) port = p;
  REQUIRE(port != 0);
  std::vector<std::string> got;
  b.start([&](const Addr&, std::string_view d) { got.emplace_back(d); });
  a.start([](const Addr&, std::string_view) {});
  const std::vector<std::string> sent = {blob(100, 1), blob(uf::kPathPayload + 1, 2), blob(65000, 3),
                                         blob(65507, 4)};
  for (const auto& d : sent) CHECK(a.send(Addr::ip(0x7f000001, port), d));
  // Bounded: loopback delivers at once; the loop runs until all arrived or 5 s passed.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.size() < sent.size() && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(10));
  REQUIRE(got.size() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) CHECK_MESSAGE(got[i] == sent[i], "datagram ", i);
  a.close();
  b.close();
}
