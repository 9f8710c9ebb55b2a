// tcp.accept(Listener, &Skt, &Peer): the next connection on a listener, and
// the "IP:port" it comes from. One accept waits per listener at a time; the
// rules accept again when they are ready for another connection.
#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace asio = boost::asio;
using asio::ip::tcp;

void Elements::accept(Socket listener, Done done) {
  SocketEntry* e = sockets_.find(listener);
  if (!e || !e->listener) {
    answer_later(std::move(done), failure("tcp.accept on " + listener.to_string() + ", which is no listener"));
    return;
  }
  if (e->reading) {
    answer_later(std::move(done), failure("tcp.accept on " + listener.to_string() + " while another waits"));
    return;
  }
  e->reading = true;
  auto peer = std::make_shared<tcp::socket>(io_);
  e->listener->async_accept(*peer, [this, listener, peer, done = std::move(done)](boost::system::error_code ec) mutable {
    SocketEntry* e = sockets_.find(listener);
    if (e) e->reading = false;
    if (ec || !e) {
      answer(done, failure("tcp.accept on " + listener.to_string() + ": " + (ec ? ec.message() : "closed")));
      return;
    }
    TcpAnswer a;
    a.ok = true;
    tcp::endpoint from = peer->remote_endpoint(ec);
    if (!ec && from.address().is_v4()) a.peer = Addr::ip(from.address().to_v4().to_uint(), from.port());
    peer->non_blocking(true, ec);
    a.socket = sockets_.add(SocketEntry{nullptr, std::make_unique<tcp::socket>(std::move(*peer))});
    ++stats_.accepted;
    ++stats_.open;
    answer(done, std::move(a));
  });
}

}  // namespace mosaic::tcp
