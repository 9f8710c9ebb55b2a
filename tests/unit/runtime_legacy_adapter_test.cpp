// The UDP substrate adapter of the legacy overlay: a packet handed to it for
// legacy::"IP:port" arrives at the adapter bound there, tagged and whole;
// foreign datagrams and destinations that are no IP:port are counted, not
// delivered.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "legacy/udp_substrate_adapter.hpp"

using namespace mosaic;
namespace asio = boost::asio;

namespace {

uint16_t free_udp_port() {
  asio::io_context io;
  asio::ip::udp::socket s(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

}  // namespace

TEST_CASE("legacy adapter: packets between two adapters, foreign datagrams counted") {
  asio::io_context io;
  legacy::LegacyStats stats_a, stats_b;
  Addr at_a = Addr::ip(0x7f000001, free_udp_port()), at_b = Addr::ip(0x7f000001, free_udp_port());
  legacy::UdpSubstrateAdapter a(io, at_a, stats_a), b(io, at_b, stats_b);
  std::string error;
  REQUIRE(a.open(error));
  REQUIRE(b.open(error));
  std::vector<std::string> got;
  a.start([](std::string) {});
  b.start([&](std::string p) { got.push_back(std::move(p)); });

  std::string packet("\x00\x00\x00\x03msg", 7);
  a.send(Value{at_b}, packet);
  a.send(Value{std::string(at_b.to_string())}, "second");  // an "IP:port" string converts too
  a.send(Value{int64_t{5}}, "nowhere");                      // no IP:port: refused, counted
  asio::ip::udp::socket raw(io, asio::ip::udp::v4());
  raw.send_to(asio::buffer(std::string("junk")), asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), at_b.port()));
  for (int i = 0; i < 400 && (got.size() < 2 || stats_b.malformed < 1); ++i) io.run_one_for(std::chrono::milliseconds(5));
  REQUIRE(got.size() == 2);
  CHECK(got[0] == packet);
  CHECK(got[1] == "second");
  CHECK(stats_a.sent == 2);
  CHECK(stats_a.send_failed == 1);
  CHECK(stats_b.malformed == 1);

  legacy::UdpSubstrateAdapter taken(io, at_b, stats_a);  // the address is in use
  CHECK_FALSE(taken.open(error));
  CHECK(error.find(at_b.to_string()) != std::string::npos);
}
