// tcp.connect(Host, Port, &Skt): a connection to Host (an IPv4 or IPv6
// address, or a DNS name resolved without blocking the loop) and Port, made
// within kConnectSeconds or failed.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// One connection attempt: the socket, the name lookup and the time limit
// live as long as its handlers.
struct Attempt {
  explicit Attempt(asio::io_context& io) : socket(io), resolver(io), timer(io) {}
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer timer;
  bool finished = false;
};

}  // namespace

void Elements::connect(const std::string& host, int64_t port, Done done) {
  const std::string what = "tcp.connect to " + host + " port " + std::to_string(port);
  if (port < 1 || port > 65535 || host.empty()) {
    ++stats_.connect_failed;
    answer_later(std::move(done), failure(what + ": no such port or host"));
    return;
  }
  auto attempt = std::make_shared<Attempt>(io_);
  auto shared_done = std::make_shared<Done>(std::move(done));
  auto finish = [this, attempt, shared_done, what](boost::system::error_code ec) {
    if (attempt->finished) return;
    attempt->finished = true;
    attempt->timer.cancel();
    if (ec) {
      ++stats_.connect_failed;
      answer(*shared_done, failure(what + ": " + ec.message()));
      return;
    }
    attempt->socket.non_blocking(true, ec);
    TcpAnswer a;
    a.ok = true;
    a.socket = sockets_.add(SocketEntry{nullptr, std::make_unique<tcp::socket>(std::move(attempt->socket))});
    ++stats_.connected;
    ++stats_.open;
    answer(*shared_done, std::move(a));
  };
  attempt->timer.expires_after(std::chrono::seconds(kConnectSeconds));
  attempt->timer.async_wait([attempt, finish](boost::system::error_code ec) {
    if (ec || attempt->finished) return;
    attempt->resolver.cancel();
    boost::system::error_code ignored;
    attempt->socket.close(ignored);
    finish(asio::error::timed_out);
  });

  boost::system::error_code ec;
  asio::ip::address ip = asio::ip::make_address(host, ec);
  if (!ec) {
    attempt->socket.async_connect(tcp::endpoint(ip, static_cast<uint16_t>(port)), finish);
    return;
  }
  attempt->resolver.async_resolve(host, std::to_string(port), [attempt, finish](boost::system::error_code ec,
                                                                                  tcp::resolver::results_type found) {
    if (ec) return finish(ec);
    asio::async_connect(attempt->socket, found, [finish](boost::system::error_code ec, const tcp::endpoint&) { finish(ec); });
  });
}

}  // namespace mosaic::tcp
