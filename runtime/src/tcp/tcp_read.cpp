// tcp.read(Skt, Len, &Data): what has arrived, at least a byte and at most
// Len (Len 0, or above kReadChunk: kReadChunk). At the end of the stream Data
// is empty, once: a read after that fails (so a relay reading in a loop
// stops). A reset, or any other error, is an end too — and of the whole
// connection: writing to it fails from then on.

#include "mosaic/log.hpp"
#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace asio = boost::asio;

namespace {

// Small reads are copied out of the chunk so that a slow consumer does not
// hold 256 KiB per few bytes it has not taken yet.
constexpr size_t kCopyBelow = 16 * 1024;

Bytes keep(std::string& buffer, size_t n) {
  if (n < kCopyBelow) return Bytes(std::string(buffer.data(), n));
  buffer.resize(n);
  return Bytes(std::move(buffer));
}

}  // namespace

void Elements::read(Socket s, int64_t length, Done done) {
  SocketEntry* e = stream(s, done, "tcp.read");
  if (!e) return;
  if (e->reading || e->read_ended || length < 0) {
    answer_later(std::move(done), failure("tcp.read on " + s.to_string() +
                                          (e->reading      ? " while another waits"
                                           : e->read_ended ? ": the stream has ended"
                                                           : ": no such length")));
    return;
  }
  e->reading = true;
  auto buffer = std::make_shared<std::string>();
  buffer->resize(length == 0 ? kReadChunk : std::min(kReadChunk, static_cast<size_t>(length)));
  auto finished = [this, s, buffer, done = std::move(done)](boost::system::error_code ec, size_t n) mutable {
    SocketEntry* e = sockets_.find(s);
    if (!e || ec == asio::error::operation_aborted) {  // closed while the read waited
      answer(done, failure("tcp.read on " + s.to_string() + ": closed"));
      return;
    }
    e->reading = false;
    if (ec) {
      e->read_ended = true;
      // A reset (or any error) ends the stream as its end would, and the
      // connection with it: a relay passes the end on and lets go of both sides.
      if (ec != asio::error::eof) {
        log(LogLevel::Debug, "tcp.read on " + s.to_string() + ": " + ec.message() + ": the connection ends");
        e->write_ended |= !e->writing;
        n = 0;
      }
    }
    TcpAnswer a;
    a.ok = true;
    a.data = keep(*buffer, n);
    stats_.bytes_read += n;
    ++stats_.reads;
    answer(done, std::move(a));
    release_if_done(s);
  };
  e->stream->async_read_some(asio::buffer(*buffer), std::move(finished));
}

}  // namespace mosaic::tcp
