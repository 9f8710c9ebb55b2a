// FaultInjection around a SimTransport: the seeded drop rate on arrival, and
// --delay-ms on departure (which waits on a real timer).
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "link/fault_injection.hpp"
#include "link/sim/sim_network.hpp"

using namespace mosaic;

namespace {

const Addr kA = *Addr::parse("198.18.0.1:9000"), kB = *Addr::parse("198.18.0.2:9000");  // in-process: no packet leaves

// kA sends to kB, each behind a FaultInjection with the same faults: the
// sender's delays what leaves, the receiver's drops what arrives.
struct Link {
  boost::asio::io_context io;
  SimNetwork network{io};
  SimTransport a{network}, b{network};
  FaultInjection sender, receiver;
  std::vector<std::string> arrived;

  explicit Link(FaultInjection::Config faults) : sender(io, a, faults), receiver(io, b, faults) {
    std::string error;
    REQUIRE(sender.open(kA, error));
    REQUIRE(receiver.open(kB, error));
    sender.start([](const Addr&, std::string_view) {});
    receiver.start([this](const Addr& from, std::string_view datagram) {
      CHECK(from == kA);
      arrived.emplace_back(datagram);
    });
  }
};

}  // namespace

TEST_CASE("FaultInjection: the drop rate drops a seeded fraction of arriving datagrams, the same one every time") {
  auto filtered_of = [](uint64_t seed) {
    Link link({.drop_rate = 0.25, .drop_seed = seed});
    for (int i = 0; i < 1000; ++i) CHECK(link.sender.send(kB, "d"));
    link.io.poll();
    CHECK(link.network.delivered() == 1000);
    CHECK(link.arrived.size() + link.receiver.filtered() == 1000);
    CHECK(link.receiver.dropped_arriving() == link.receiver.filtered());
    CHECK(link.receiver.blocked() == 0);
    return link.receiver.filtered();
  };
  uint64_t filtered = filtered_of(7);
  CHECK(filtered > 200);
  CHECK(filtered < 300);
  CHECK(filtered_of(7) == filtered);
  CHECK(filtered_of(8) != filtered);
}

TEST_CASE("FaultInjection: with a delay, datagrams leave that much late, in order; none after close") {
  Link link({.delay = 0.05});
  auto t0 = std::chrono::steady_clock::now();
  CHECK(link.sender.send(kB, "one"));
  CHECK(link.sender.send(kB, "two"));
  link.io.poll();
  CHECK(link.arrived.empty());
  while (link.arrived.size() < 2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    link.io.run_one_for(std::chrono::milliseconds(100));
  }
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(50));
  CHECK(link.arrived == std::vector<std::string>{"one", "two"});

  CHECK(link.sender.send(kB, "lost"));
  link.sender.close();
  link.io.run_for(std::chrono::milliseconds(100));
  CHECK(link.arrived.size() == 2);
}
