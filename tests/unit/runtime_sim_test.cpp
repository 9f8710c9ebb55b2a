// Nodes without sockets or real time: two Nodes on a SimNetwork, one behind a
// FaultInjection, both on one ManualClock. The test advances the clock and
// calls Node::housekeeping itself, so retransmission, giving up and soft-state
// expiry happen exactly when it says; io.poll() runs what is ready now
// (deliveries, program runs) and never waits.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "link/fault_injection.hpp"
#include "link/sim/sim_network.hpp"
#include "mosaic/program.hpp"
#include "node/clock.hpp"
#include "node/node.hpp"
#include "runtime_test_values.hpp"

using namespace mosaic;

namespace {

constexpr double kLifetime = 1.0;  // of a received number, in seconds

// Sends num(i) messages when told to; keeps each number it receives as soft
// state that expires kLifetime after it arrived, by the node's clock.
class Holder final : public testing::NumberProgram {
 public:
  const char* name() const override { return "holder"; }
  bool run(size_t) override {
    for (int64_t i : inbox_) held_.emplace_back(i, rt_->now());
    inbox_.clear();
    return false;
  }
  void expire() override {
    double now = rt_->now();
    std::erase_if(held_, [&](const auto& row) { return row.second + kLifetime <= now; });
  }

  std::vector<int64_t> held() const {
    std::vector<int64_t> numbers;
    for (const auto& row : held_) numbers.push_back(row.first);
    std::sort(numbers.begin(), numbers.end());
    return numbers;
  }

 private:
  void on_number(int64_t i) override { inbox_.push_back(i); }
  std::vector<int64_t> inbox_;
  std::vector<std::pair<int64_t, double>> held_;  // (number, arrival time)
};

Addr ip(const std::string& text) { return *Addr::parse(text); }

const Addr kA = ip("198.18.0.1:9000"), kB = ip("198.18.0.2:9000");  // in-process: no packet leaves

// a (behind its FaultInjection) and b on one SimNetwork and one ManualClock.
struct Sim {
  boost::asio::io_context io;
  ManualClock clock;
  SimNetwork network{io};
  SimTransport link_a{network}, link_b{network};
  FaultInjection faults_a{io, link_a, {}};
  Holder pa, pb;
  Node a, b;

  static NodeConfig config(const Addr& addr, double retry_for) {
    NodeConfig c;
    c.addr = addr;
    c.retransmit.retry_for = retry_for;
    return c;
  }

  explicit Sim(double retry_for = 30)
      : a(io, pa, faults_a, clock, config(kA, retry_for), 1), b(io, pb, link_b, clock, config(kB, retry_for), 2) {
    std::string error;
    REQUIRE(a.bind(error));
    REQUIRE(b.bind(error));
    pa.attach(a);
    pb.attach(b);
    a.start();
    b.start();
    settle();
  }
  ~Sim() {
    a.stop();
    b.stop();
  }

  // Everything the nodes can do without time passing.
  void settle() { io.poll(); }
  // Time passes for both nodes, and each looks at its clock (as its housekeeping timer would).
  void advance(double seconds) {
    clock.advance(seconds);
    a.housekeeping();
    b.housekeeping();
    settle();
  }
};

}  // namespace

TEST_CASE("sim: a datagram lost on the way is retransmitted when the manual clock says so; soft state expires") {
  Sim s;
  s.faults_a.peer_filter().block(kB);  // a's first transmissions never leave
  s.pa.send(kB, 0, 3);
  s.settle();
  CHECK(s.pb.held().empty());
  CHECK(s.a.stats().outstanding == 3);
  s.faults_a.peer_filter().unblock(kB);

  s.advance(0.125);  // the first retransmission is due 0.2 s after the send
  CHECK(s.pb.held().empty());
  CHECK(s.a.stats().retransmits == 0);
  s.advance(0.125);
  CHECK(s.pb.held() == std::vector<int64_t>{0, 1, 2});
  NodeStats sa = s.a.stats();
  CHECK(sa.retransmits == 3);
  CHECK(sa.outstanding == 0);  // b's acks came back
  add_fault_counts(sa, s.faults_a);
  CHECK(sa.blocked == 3);
  CHECK(sa.sent == 3);  // the blocked ones never left a
  CHECK(s.b.stats().received == 3);

  s.advance(0.875);  // t = 1.125: still within the lifetime of numbers that arrived at 0.25
  CHECK(s.pb.held().size() == 3);
  s.advance(0.25);
  CHECK(s.pb.held().empty());
  CHECK(s.b.stats().uptime_s == 1.375);
}

TEST_CASE("sim: a message to a peer that never answers is given up at --retry-for, on the manual clock") {
  Sim s(2.0);
  s.faults_a.peer_filter().block(kB);
  s.pa.send(kB, 0, 1);
  s.settle();
  while (s.a.stats().gave_up == 0 && s.clock.now() < 10) s.advance(0.125);
  CHECK(s.clock.now() == 2.0);
  NodeStats sa = s.a.stats();
  CHECK(sa.retransmits == 3);  // at 0.25, 0.75 and 1.625 (backoff 0.2, 0.4, 0.8 s, checked every 0.125 s)
  CHECK(sa.outstanding == 0);
  CHECK(s.pb.held().empty());
}

TEST_CASE("SimNetwork: one transport per address; datagrams to nobody are lost; a closed transport gets nothing") {
  boost::asio::io_context io;
  SimNetwork network(io);
  SimTransport x(network), y(network), z(network);
  std::string error;
  REQUIRE(x.open(kA, error));
  CHECK_FALSE(y.open(kA, error));
  CHECK(error == "address already in use");
  CHECK_FALSE(y.open(Addr(), error));
  REQUIRE(y.open(kB, error));
  std::vector<std::string> got;
  y.start([&](const Addr&, std::string_view datagram) { got.emplace_back(datagram); });
  CHECK(x.send(ip("198.18.0.3:9000"), "nobody"));
  CHECK(x.send(kB, "one"));
  CHECK(x.send(kB, "two"));
  io.poll();
  CHECK(got == std::vector<std::string>{"one", "two"});
  CHECK(x.send(kB, "late"));
  y.close();
  io.poll();
  CHECK(got.size() == 2);
  CHECK(network.delivered() == 2);
  CHECK_FALSE(z.send(kB, "unbound"));  // not open: nothing to send from
}
