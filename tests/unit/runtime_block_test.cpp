// The peer drop filter (--block, control ops block/unblock): the filter
// itself, the control requests, and two real nodes on one event loop over
// loopback UDP, whose direct path is failed and restored.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "control/control_protocol.hpp"
#include "link/fault_injection.hpp"
#include "link/peer_filter.hpp"
#include "link/udp/udp_transport.hpp"
#include "mosaic/program.hpp"
#include "node/clock.hpp"
#include "node/node.hpp"
#include "runtime_test_values.hpp"

using namespace mosaic;

namespace {

Addr ip(const std::string& text) { return *Addr::parse(text); }

// Sends num(i) messages when told to (Pinger::send), keeps the ones it receives.
class Pinger final : public testing::NumberProgram {
 public:
  const char* name() const override { return "pinger"; }
  bool run(size_t) override { return false; }
  void expire() override {}

  std::vector<int64_t> got;

 private:
  void on_number(int64_t i) override { got.push_back(i); }
};

// Two nodes, a and b, on one event loop, each on UDP behind its FaultInjection.
struct Pair {
  boost::asio::io_context io;
  SteadyClock clock;
  UdpTransport udp_a{io}, udp_b{io};
  FaultInjection fa{io, udp_a, {}}, fb{io, udp_b, {}};
  Pinger pa, pb;
  Node a, b;

  static NodeConfig config(int i, double retry_for) {
    NodeConfig c;
    c.addr = Addr::ip(0x7f000001u, static_cast<uint16_t>(40000 + (getpid() % 2000) * 10 + i));
    c.retransmit.retry_for = retry_for;
    return c;
  }

  explicit Pair(double retry_for)
      : a(io, pa, fa, clock, config(0, retry_for), 1), b(io, pb, fb, clock, config(1, retry_for), 2) {
    std::string error;
    REQUIRE(a.bind(error));
    REQUIRE(b.bind(error));
    pa.attach(a);
    pb.attach(b);
    a.start();
    b.start();
  }
  ~Pair() {
    a.stop();
    b.stop();
  }

  // Runs the loop until `done` holds, at most `limit` seconds; returns whether it held.
  bool run_until(const std::function<bool()>& done, double limit = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_for(std::chrono::milliseconds(20));
    }
    return true;
  }
  void run_for(double seconds) { run_until([] { return false; }, seconds); }

  // What --stats would report for a and b.
  NodeStats stats_a() const { return with_faults(a, fa); }
  NodeStats stats_b() const { return with_faults(b, fb); }
  static NodeStats with_faults(const Node& node, const FaultInjection& faults) {
    NodeStats s = node.stats();
    add_fault_counts(s, faults);
    return s;
  }
};

}  // namespace

TEST_CASE("PeerFilter: blocks IP peers, counts the drops, unblocks") {
  PeerFilter f;
  Addr p = ip("127.0.0.1:9002"), q = ip("127.0.0.1:9003");
  CHECK_FALSE(f.drop(p));
  CHECK(f.dropped() == 0);
  CHECK(f.block(q));
  CHECK(f.block(p));
  CHECK_FALSE(f.block(p));  // already blocked
  CHECK_FALSE(f.block(Addr()));  // only "IP:port" peers
  CHECK(f.peers() == std::vector<Addr>{p, q});
  CHECK(f.drop(p));
  CHECK(f.drop(q));
  CHECK_FALSE(f.drop(ip("127.0.0.1:9004")));
  CHECK(f.dropped() == 2);
  CHECK(f.unblock(p));
  CHECK_FALSE(f.unblock(p));
  CHECK_FALSE(f.drop(p));
  f.unblock_all();
  CHECK(f.peers().empty());
  CHECK(f.dropped() == 2);
}

TEST_CASE("control block and unblock: the peers blocked now in every reply") {
  auto parsed = parse_control_request(R"({"op":"block","peer":"localhost:9002"})");
  REQUIRE(parsed.request);
  CHECK(parsed.request->op == ControlRequest::Op::Block);
  CHECK(*parsed.request->peer == ip("127.0.0.1:9002"));
  parsed = parse_control_request(R"({"op":"unblock"})");
  REQUIRE(parsed.request);
  CHECK(parsed.request->op == ControlRequest::Op::Unblock);
  CHECK_FALSE(parsed.request->peer);
  CHECK(parse_control_request(R"({"op":"block"})").error == R"(op "block" needs a "peer" string)");
  CHECK(parse_control_request(R"({"op":"block","peer":9002})").error == R"("peer" must be a string)");
  CHECK(parse_control_request(R"({"op":"unblock","peer":"ron::x"})").error ==
        R"("peer" must be a node address IP:PORT, not "ron::x")");
  CHECK(parse_control_request(R"({"op":"block","peer":"127.0.0.1:1","table":"t"})").error ==
        R"(unknown field "table" for op "block")");

  Pinger program;
  PeerFilter peers;
  ControlHandler handler(program, [] { return NodeStats{}; }, [] {}, &peers);
  auto reply = [&](std::string_view line) { return handler.handle_line(line).reply; };
  CHECK(reply(R"({"op":"block","peer":"127.0.0.1:9003"})") == R"({"ok":true,"blocked":["127.0.0.1:9003"]})");
  CHECK(reply(R"({"op":"block","peer":"127.0.0.1:9002","id":7})") ==
        R"({"ok":true,"id":7,"blocked":["127.0.0.1:9002","127.0.0.1:9003"]})");
  CHECK(peers.blocks(ip("127.0.0.1:9002")));
  CHECK(reply(R"({"op":"unblock","peer":"127.0.0.1:9002"})") == R"({"ok":true,"blocked":["127.0.0.1:9003"]})");
  CHECK(reply(R"({"op":"unblock","peer":"127.0.0.1:9009"})") == R"({"ok":true,"blocked":["127.0.0.1:9003"]})");
  CHECK(reply(R"({"op":"unblock"})") == R"({"ok":true,"blocked":[]})");

  ControlHandler without(program, [] { return NodeStats{}; }, [] {});
  CHECK(without.handle_line(R"({"op":"unblock"})").reply == R"({"ok":false,"error":"this node has no peer filter"})");
}

TEST_CASE("a blocked peer: datagrams dropped both ways and counted, reliable messages retransmitted, then delivered") {
  Pair n(30);
  n.fa.peer_filter().block(n.b.local_addr());  // only a blocks: both directions fail all the same
  n.pa.send(n.b.local_addr(), 0, 5);
  n.pb.send(n.a.local_addr(), 100, 3);
  n.pa.send(n.b.local_addr(), 50, 1, /*best_effort=*/true);
  n.run_for(1.0);
  CHECK(n.pb.got.empty());
  CHECK(n.pa.got.empty());
  NodeStats sa = n.stats_a(), sb = n.stats_b();
  CHECK(sa.blocked > 9);            // a's 6 first sends, its retransmissions, and b's datagrams
  CHECK(sa.received >= 3);          // b's datagrams did arrive at the socket
  CHECK(sa.retransmits > 0);
  CHECK(sb.retransmits > 0);        // b never saw an ack
  CHECK(sa.outstanding == 5);
  CHECK(sb.outstanding == 3);
  CHECK(sb.blocked == 0);

  n.fa.peer_filter().unblock(n.b.local_addr());
  CHECK(n.run_until([&] { return n.pb.got.size() == 5 && n.pa.got.size() == 3; }));
  CHECK(n.run_until([&] { return n.stats_a().outstanding == 0 && n.stats_b().outstanding == 0; }));
  CHECK(n.stats_a().gave_up == 0);
  CHECK(n.stats_b().gave_up == 0);
  std::vector<int64_t> want = {0, 1, 2, 3, 4};
  std::sort(n.pb.got.begin(), n.pb.got.end());
  CHECK(n.pb.got == want);  // the best-effort one (50) is lost for good
}

TEST_CASE("a blocked peer: reliable messages are given up after --retry-for, as under loss") {
  Pair n(0.5);
  n.fb.peer_filter().block(n.a.local_addr());  // b blocks a: a's messages never reach b's program
  n.pa.send(n.b.local_addr(), 0, 2);
  CHECK(n.run_until([&] { return n.stats_a().gave_up == 2; }, 5));
  CHECK(n.stats_a().outstanding == 0);
  CHECK(n.stats_b().blocked >= 2);
  n.fb.peer_filter().unblock(n.a.local_addr());
  n.pa.send(n.b.local_addr(), 10, 1);
  CHECK(n.run_until([&] { return n.pb.got == std::vector<int64_t>{10}; }));
}

TEST_CASE("control delay: datagrams to a delayed peer leave late, others on time") {
  auto parsed = parse_control_request(R"({"op":"delay","peer":"127.0.0.1:9002","ms":25})");
  REQUIRE(parsed.request);
  CHECK(parsed.request->op == ControlRequest::Op::Delay);
  CHECK(parsed.request->delay_ms == 25);
  CHECK(parse_control_request(R"({"op":"delay","peer":"127.0.0.1:9002"})").error ==
        R"(op "delay" needs "ms", a number of milliseconds from 0 to 10000)");
  CHECK(parse_control_request(R"({"op":"delay","peer":"127.0.0.1:9002","ms":-1})").error ==
        R"(op "delay" needs "ms", a number of milliseconds from 0 to 10000)");
  CHECK(parse_control_request(R"({"op":"delay","ms":5})").error == R"(op "delay" needs a "peer" string)");

  Pinger program;
  PeerFilter peers;
  ControlHandler handler(program, [] { return NodeStats{}; }, [] {}, &peers);
  auto reply = [&](std::string_view line) { return handler.handle_line(line).reply; };
  CHECK(reply(R"({"op":"delay","peer":"127.0.0.1:9002","ms":25})") == R"({"ok":true,"delays":{"127.0.0.1:9002":25.0}})");
  CHECK(peers.delay(ip("127.0.0.1:9002")) == doctest::Approx(0.025));
  CHECK(reply(R"({"op":"delay","peer":"127.0.0.1:9002","ms":0})") == R"({"ok":true,"delays":{}})");
  CHECK(peers.delay(ip("127.0.0.1:9002")) == 0);

  // Real nodes: a's messages to b take the delay; b's to a do not.
  Pair n(30);
  n.fa.peer_filter().set_delay(n.b.local_addr(), 0.3);
  auto t0 = std::chrono::steady_clock::now();
  auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  n.pa.send(n.b.local_addr(), 0, 3);
  n.pb.send(n.a.local_addr(), 10, 1);
  CHECK(n.run_until([&] { return n.pa.got.size() == 1; }));
  CHECK(n.pb.got.empty());  // b's one message overtook a's three
  CHECK(n.run_until([&] { return n.pb.got.size() == 3; }));
  CHECK(since() >= 0.3);
  CHECK(n.run_until([&] { return n.stats_a().outstanding == 0; }));
  CHECK(n.stats_a().gave_up == 0);
}
