// The TCP elements behind the tcp.* views, over 127.0.0.1: each call is
// answered once, from the event loop; reads of at most Len bytes; the end of a
// stream read as empty data and passed on by an empty write; failures for
// refused connections, unknown sockets and a second read on one socket; and
// a connection released once both its directions have ended.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>

#include "mosaic/value.hpp"
#include "tcp/tcp_elements.hpp"

using namespace mosaic;
namespace asio = boost::asio;

namespace {

struct Harness {
  asio::io_context io;
  int runs = 0;
  tcp::Elements tcp{io, [this] { ++runs; }};

  // Calls the view and runs the loop until it is answered (bounded).
  TcpAnswer call(TcpOp op, TcpArgs args) {
    std::optional<TcpAnswer> got;
    tcp.call(op, std::move(args), [&](TcpAnswer&& a) { got = std::move(a); });
    CHECK_FALSE(got);  // never answered inside call()
    io.restart();  // a loop that ran out of work stays stopped until restarted
    for (int i = 0; i < 2000 && !got; ++i) io.run_one_for(std::chrono::milliseconds(5));
    REQUIRE(got);
    return *got;
  }
  // Starts a call and returns where its answer will land.
  std::shared_ptr<std::optional<TcpAnswer>> start(TcpOp op, TcpArgs args) {
    auto slot = std::make_shared<std::optional<TcpAnswer>>();
    tcp.call(op, std::move(args), [slot](TcpAnswer&& a) { *slot = std::move(a); });
    return slot;
  }
  void wait(const std::shared_ptr<std::optional<TcpAnswer>>& slot) {
    io.restart();
    for (int i = 0; i < 2000 && !*slot; ++i) io.run_one_for(std::chrono::milliseconds(5));
    REQUIRE(*slot);
  }
};

uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

TcpArgs with_socket(Socket s, int64_t n = 0) {
  TcpArgs a;
  a.socket = s;
  a.number = n;
  return a;
}
TcpArgs with_data(Socket s, std::string d) {
  TcpArgs a;
  a.socket = s;
  a.data = Bytes(std::move(d));
  return a;
}

}  // namespace

TEST_CASE("tcp elements: listen, accept, connect, bounded reads, half-close, close") {
  Harness h;
  uint16_t port = free_port();
  TcpArgs at;
  at.addr = Addr::ip(0x7f000001, port);
  TcpAnswer listening = h.call(TcpOp::Listen, at);
  REQUIRE(listening.ok);
  REQUIRE(listening.socket.id != 0);

  auto accepted = h.start(TcpOp::Accept, with_socket(listening.socket));
  TcpArgs to;
  to.host = "127.0.0.1";
  to.number = port;
  TcpAnswer client = h.call(TcpOp::Connect, to);
  REQUIRE(client.ok);
  h.wait(accepted);
  REQUIRE((*accepted)->ok);
  Socket server = (*accepted)->socket;
  CHECK((*accepted)->peer.to_string().rfind("127.0.0.1:", 0) == 0);
  CHECK(h.tcp.stats().open == 2);

  // A second accept while one waits fails; so does a second read.
  auto next = h.start(TcpOp::Accept, with_socket(listening.socket));
  CHECK_FALSE(h.call(TcpOp::Accept, with_socket(listening.socket)).ok);
  auto pending_read = h.start(TcpOp::Read, with_socket(server, 5));
  CHECK_FALSE(h.call(TcpOp::Read, with_socket(server, 5)).ok);

  TcpAnswer wrote = h.call(TcpOp::Write, with_data(client.socket, "hello world"));
  CHECK(wrote.ok);
  CHECK(wrote.number == 11);
  h.wait(pending_read);
  CHECK((*pending_read)->data.str() == "hello");  // at most Len bytes
  CHECK(h.call(TcpOp::Read, with_socket(server, 0)).data.str() == " world");  // what has arrived

  // Half-close: the empty write ends the client's side; the server reads the
  // end (empty data, once) and can still answer.
  CHECK(h.call(TcpOp::Write, with_data(client.socket, "")).ok);
  TcpAnswer end = h.call(TcpOp::Read, with_socket(server, 0));
  CHECK(end.ok);
  CHECK(end.data.empty());
  CHECK_FALSE(h.call(TcpOp::Read, with_socket(server, 0)).ok);  // the end is read once: a loop stops
  CHECK(h.call(TcpOp::Write, with_data(server, "bye")).ok);
  CHECK(h.call(TcpOp::Read, with_socket(client.socket, 3)).data.str() == "bye");

  // The server's side ends too: both of its directions have, so it is released.
  CHECK(h.call(TcpOp::Write, with_data(server, "")).ok);
  CHECK(h.call(TcpOp::Read, with_socket(client.socket, 0)).data.empty());
  CHECK(h.tcp.stats().open == 0);
  CHECK(h.tcp.stats().finished == 2);
  CHECK_FALSE(h.call(TcpOp::Read, with_socket(server, 0)).ok);  // a released handle names no socket

  // Closing the listener fails the accept that waits on it; closing twice is no failure.
  TcpAnswer closed = h.call(TcpOp::Close, with_socket(listening.socket));
  CHECK(closed.ok);
  CHECK(closed.flag);
  h.wait(next);
  CHECK_FALSE((*next)->ok);
  TcpAnswer again = h.call(TcpOp::Close, with_socket(listening.socket));
  CHECK(again.ok);
  CHECK_FALSE(again.flag);
  CHECK(h.tcp.stats().listening == 0);
}

TEST_CASE("tcp elements: failures end calls, each exactly once") {
  Harness h;
  TcpArgs refused;
  refused.host = "127.0.0.1";
  refused.number = free_port();  // nobody listens
  TcpAnswer a = h.call(TcpOp::Connect, refused);
  CHECK_FALSE(a.ok);
  CHECK(h.tcp.stats().connect_failed == 1);
  refused.number = 70000;
  CHECK_FALSE(h.call(TcpOp::Connect, refused).ok);
  CHECK_FALSE(h.call(TcpOp::Read, with_socket(Socket{42})).ok);
  CHECK_FALSE(h.call(TcpOp::Write, with_data(Socket{42}, "x")).ok);
  TcpArgs overlay;
  overlay.addr = Addr::overlay("ron", Value{std::string("x")});
  CHECK_FALSE(h.call(TcpOp::Listen, overlay).ok);
  CHECK(h.tcp.stats().failed == 5);
  CHECK(h.runs == 5);  // the node was told after every answer
}

TEST_CASE("tcp elements: after shutdown no answer reaches the program") {
  Harness h;
  auto slot = h.start(TcpOp::Read, with_socket(Socket{1}));
  h.tcp.shutdown();
  h.io.restart();
  for (int i = 0; i < 20; ++i) h.io.poll();
  CHECK_FALSE(*slot);
}

TEST_CASE("tcp elements: splice moves data socket to socket, passes the end on, answers a dead peer with -1") {
  Harness h;
  uint16_t port = free_port();
  TcpArgs at;
  at.addr = Addr::ip(0x7f000001, port);
  Socket listener = h.call(TcpOp::Listen, at).socket;
  auto connection = [&] {  // (our end of the accepted side, our end of the connecting side)
    auto accepted = h.start(TcpOp::Accept, with_socket(listener));
    TcpArgs to;
    to.host = "127.0.0.1";
    to.number = port;
    Socket client = h.call(TcpOp::Connect, to).socket;
    h.wait(accepted);
    return std::pair{(*accepted)->socket, client};
  };
  auto [a_in, a_out] = connection();  // a_out -> a_in
  auto [b_in, b_out] = connection();  // b_out -> b_in
  std::string payload(3 << 20, 'x');
  for (size_t i = 0; i < payload.size(); i += 4093) payload[i] = static_cast<char>(i);
  auto sent = h.start(TcpOp::Write, with_data(a_out, payload));
  std::string got;
  auto reader = [&] {  // read b_in to the end
    for (;;) {
      TcpAnswer r = h.call(TcpOp::Read, with_socket(b_in, 0));
      if (!r.ok || r.data.empty()) return;
      got += r.data.str();
    }
  };
  // Splice a_in -> b_out until the end: one call moves up to 4 MiB.
  TcpArgs sp;
  sp.socket = a_in;
  sp.to = b_out;
  int64_t total = 0;
  auto moving = h.start(TcpOp::Splice, sp);
  h.wait(sent);
  CHECK(h.call(TcpOp::Write, with_data(a_out, "")).ok);  // then the end of a's stream
  h.wait(moving);
  REQUIRE((*moving)->ok);
  total += (*moving)->number;
  for (int i = 0; i < 20; ++i) {
    TcpAnswer next = h.call(TcpOp::Splice, sp);
    REQUIRE(next.ok);
    total += next.number;
    if (next.number == 0) break;  // the end, passed on: b_out is half-closed
  }
  CHECK(total == static_cast<int64_t>(payload.size()));
  reader();
  CHECK(got == payload);
  CHECK_FALSE(h.call(TcpOp::Splice, sp).ok);  // the end is read once
  CHECK(h.tcp.stats().bytes_written >= payload.size());

  // A destination that is gone: Size -1, as the write would answer.
  auto [c_in, c_out] = connection();
  auto [d_in, d_out] = connection();
  CHECK(h.call(TcpOp::Close, with_socket(d_in)).ok);  // d's far end closed: writing to d_out fails
  TcpArgs dead;
  dead.socket = c_in;
  dead.to = d_out;
  std::string big(8 << 20, 'y');
  auto pushing = h.start(TcpOp::Write, with_data(c_out, big));
  int64_t last = 0;
  for (int i = 0; i < 50 && last >= 0; ++i) {
    TcpAnswer r = h.call(TcpOp::Splice, dead);
    if (!r.ok) break;
    last = r.number;
  }
  CHECK(last == -1);
}
