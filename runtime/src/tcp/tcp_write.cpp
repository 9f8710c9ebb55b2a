// tcp.write(Skt, Data, &Size): all of Data, answered with its size once the
// kernel has taken it; an empty Data ends our side of the stream (a
// half-close: the peer reads the end, and can still send). A reset or a
// closed peer fails the call, and ends the connection in both directions.
#include <boost/asio/write.hpp>

#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace asio = boost::asio;

void Elements::write(Socket s, const Bytes& data, Done done) {
  SocketEntry* e = stream(s, done, "tcp.write");
  if (!e) return;
  if (e->writing) {
    answer_later(std::move(done), failure("tcp.write on " + s.to_string() + " while another waits"));
    return;
  }
  if (data.empty()) {
    boost::system::error_code ec;
    if (!e->shut_down) e->stream->shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    e->shut_down = e->write_ended = true;
    TcpAnswer a;
    a.ok = !ec;
    if (ec) a.error = "tcp.write (end of stream) on " + s.to_string() + ": " + ec.message();
    answer_later(std::move(done), std::move(a));
    release_if_done(s);
    return;
  }
  e->writing = true;
  // The Bytes copy shares the data and keeps it alive until the write completes.
  asio::async_write(*e->stream, asio::buffer(data.str()),
                    [this, s, data, done = std::move(done)](boost::system::error_code ec, size_t n) mutable {
                      SocketEntry* e = sockets_.find(s);
                      if (e) e->writing = false;
                      if (ec) {
                        // The peer is gone: reading will end too (a read that waits ends by itself).
                        if (e) e->write_ended = true, e->read_ended |= !e->reading;
                        answer(done, failure("tcp.write on " + s.to_string() + ": " + ec.message()));
                        release_if_done(s);
                        return;
                      }
                      TcpAnswer a;
                      a.ok = true;
                      a.number = static_cast<int64_t>(n);
                      stats_.bytes_written += n;
                      ++stats_.writes;
                      answer(done, std::move(a));
                    });
}

}  // namespace mosaic::tcp
