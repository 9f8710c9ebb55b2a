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
