// What every TCP element shares: dispatch by view, answering once from the
// event loop, and finding the connection a call names.
#include "tcp/tcp_elements.hpp"

#include <boost/asio/post.hpp>
#include <csignal>

#include "mosaic/log.hpp"

namespace mosaic::tcp {

Elements::Elements(boost::asio::io_context& io, std::function<void()> answered)
    : io_(io), answered_(std::move(answered)) {
  // A peer that closes while we write is an error to answer, not a reason to
  // die: splice(2) to a closed socket raises SIGPIPE (it has no MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
}

Elements::~Elements() { shutdown(); }

void Elements::shutdown() {
  stopped_ = true;
  sockets_.clear();
}

void Elements::call(TcpOp op, TcpArgs args, Done done) {
  used_ = true;
  switch (op) {
    case TcpOp::Listen: return listen(args.addr, std::move(done));
    case TcpOp::Accept: return accept(args.socket, std::move(done));
    case TcpOp::Connect: return connect(args.host, args.number, std::move(done));
    case TcpOp::Read: return read(args.socket, args.number, std::move(done));
    case TcpOp::Write: return write(args.socket, args.data, std::move(done));
    case TcpOp::Close: return close(args.socket, std::move(done));
    case TcpOp::Splice: return splice(args.socket, args.to, args.number, std::move(done));
  }
}

void Elements::answer(Done& done, TcpAnswer&& a) {
  if (stopped_) return;
  if (!a.ok) {
    ++stats_.failed;
    log(LogLevel::Debug, "tcp: call failed: " + a.error);
  }
  done(std::move(a));
  answered_();
}

void Elements::answer_later(Done done, TcpAnswer a) {
  boost::asio::post(io_, [this, done = std::move(done), a = std::move(a)]() mutable { answer(done, std::move(a)); });
}

TcpAnswer Elements::failure(std::string why) {
  TcpAnswer a;
  a.error = std::move(why);
  return a;
}

SocketEntry* Elements::stream(Socket s, Done& done, const char* view) {
  SocketEntry* e = sockets_.find(s);
  if (!e || !e->stream) {
    answer_later(std::move(done), failure(std::string(view) + " on " + s.to_string() + ", which is no open connection"));
    return nullptr;
  }
  return e;
}

void Elements::release_if_done(Socket s) {
  SocketEntry* e = sockets_.find(s);
  if (!e || !e->stream || !e->read_ended || !e->write_ended || e->reading || e->writing) return;
  sockets_.remove(s);
  --stats_.open;
  ++stats_.finished;
}

}  // namespace mosaic::tcp
