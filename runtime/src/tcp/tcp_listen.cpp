// tcp.listen(Addr, &Listener): a listening socket on "IP:port" (port 0: any).
#include <boost/asio/ip/address_v4.hpp>

#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace asio = boost::asio;
using asio::ip::tcp;

void Elements::listen(const Addr& at, Done done) {
  if (!at.is_ip()) {
    answer_later(std::move(done), failure("tcp.listen on " + at.to_string() + ", which is no IP:port"));
    return;
  }
  auto listener = std::make_unique<tcp::acceptor>(io_);
  tcp::endpoint endpoint(asio::ip::address_v4(at.host()), at.port());
  boost::system::error_code ec;
  listener->open(endpoint.protocol(), ec);
  if (!ec) listener->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) listener->bind(endpoint, ec);
  if (!ec) listener->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) listener->non_blocking(true, ec);
  if (ec) {
    answer_later(std::move(done), failure("tcp.listen on " + at.to_string() + ": " + ec.message()));
    return;
  }
  TcpAnswer a;
  a.ok = true;
  a.socket = sockets_.add(SocketEntry{std::move(listener), nullptr});
  ++stats_.listening;
  answer_later(std::move(done), std::move(a));
}

}  // namespace mosaic::tcp
