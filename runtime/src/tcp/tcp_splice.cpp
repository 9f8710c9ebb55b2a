// tcp.splice(From, To, Len, &Size): the relay idiom tcp.read(From, Len, &P),
// tcp.write(To, P, &Size), fused by mozc (--cview-opt=relay) into one call
// that moves the data inside the kernel: From -> a pipe -> To with splice(2),
// never copied into the node. The answer is what the two calls would give:
// the bytes moved once all are written; 0 at the end of From's stream (or a
// reset), which is passed on (To is half-closed); -1 when writing to To fails
// (the peer is gone). A call after From's end fails.
//
// Each call waits for From, then takes what has arrived — as many splices
// as the kernel gives before it would block, up to the pipe's size — and
// writes it all; while more has arrived by then it goes on, up to 4 MiB, and
// answers: one chunk in flight per direction, as the rule says, but a large
// one and without a copy.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/asio/post.hpp>
#include <memory>

#include "tcp/tcp_elements.hpp"

namespace mosaic::tcp {

namespace {

constexpr size_t kCallBytes = 4 << 20;   // the most one call moves, pipe after pipe
constexpr size_t kPooledPipes = 64;      // empty pipes kept for the next calls

}  // namespace

// One call in flight: its pipe, how far it got, and the steps that move it
// on. Handlers waiting for a socket hold it; nothing else does.
class Elements::SpliceCall : public std::enable_shared_from_this<SpliceCall> {
 public:
  SpliceCall(Elements& tcp, Socket from, Socket to, Done done)
      : tcp_(tcp), pool_(tcp.free_pipes_), from_(from), to_(to), done_(std::move(done)) {}
  ~SpliceCall() {
    // An empty pipe goes back to the pool (if the node is still there); one
    // with data left (the call failed writing) is closed, and the data with it.
    auto pool = pool_.lock();
    if (pool && pipe_ && in_pipe_ == 0 && pool->size() < kPooledPipes) pool->push_back(std::move(pipe_));
  }

  Done take_done() { return std::move(done_); }

  bool open(int64_t length) {
    if (!tcp_.free_pipes_->empty()) {
      pipe_ = std::move(tcp_.free_pipes_->back());
      tcp_.free_pipes_->pop_back();
    } else {
      pipe_ = std::make_unique<SplicePipe>();
      if (!pipe_->open()) return false;
    }
    limit_ = length == 0 ? pipe_->size : std::min<size_t>(pipe_->size, static_cast<size_t>(length));
    return true;
  }

  // After a pipe was written: what From has now, without waiting for it.
  void fill_more() {
    more_ = true;
    fill();
  }

  // In: From to the pipe, once From has data; as much as comes without waiting.
  void fill() {
    SocketEntry* src = tcp_.sockets_.find(from_);
    if (!src) return finish(failure("tcp.splice: " + from_.to_string() + " was closed"));
    while (in_pipe_ < limit_) {
      ssize_t n = ::splice(src->stream->native_handle(), nullptr, pipe_->write_end, nullptr, limit_ - in_pipe_,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        in_pipe_ += static_cast<size_t>(n);
        tcp_.stats_.bytes_read += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (in_pipe_ > 0) break;  // would block, ended or failed after some data: write that first
      if (more_ && (n <= 0)) {  // this call has moved data: answer it; the next sees the end or the error
        more_ended_ = true;
        ++tcp_.stats_.writes;
        return finish(moved());
      }
      if (n < 0 && errno == EAGAIN) {  // nothing yet: wait for From
        src->stream->async_wait(boost::asio::ip::tcp::socket::wait_read, [self = shared_from_this()](auto ec) {
          if (ec != boost::asio::error::operation_aborted) self->fill();
        });
        return;
      }
      // The end of From's stream, or a reset (which ends the connection, as
      // tcp.read says): pass it on.
      src->read_ended = true;
      if (n < 0) src->write_ended |= !src->writing;
      ++tcp_.stats_.reads;
      if (SocketEntry* dst = tcp_.sockets_.find(to_)) {
        boost::system::error_code ignored;
        if (!dst->shut_down) dst->stream->shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        dst->shut_down = dst->write_ended = true;
      }
      return finish(moved());
    }
    ++tcp_.stats_.reads;
    drain();
  }

  // Out: the pipe to To, waiting for To to take more when it is full.
  void drain() {
    SocketEntry* dst = tcp_.sockets_.find(to_);
    if (!dst) return finish(write_failed());  // closed meanwhile: as a write to it would answer
    while (in_pipe_ > 0) {
      ssize_t n = ::splice(pipe_->read_end, nullptr, dst->stream->native_handle(), nullptr, in_pipe_,
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) {
        in_pipe_ -= static_cast<size_t>(n);
        moved_ += static_cast<size_t>(n);
        tcp_.stats_.bytes_written += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {
        dst->stream->async_wait(boost::asio::ip::tcp::socket::wait_write, [self = shared_from_this()](auto ec) {
          if (ec != boost::asio::error::operation_aborted) self->drain();
        });
        return;
      }
      // To failed: the peer is gone both ways.
      dst->write_ended = true;
      if (!dst->reading) dst->read_ended = true;
      return finish(write_failed());
    }
    // All written. More may have arrived meanwhile: take it in the same call
    // (up to kCallBytes), so that a busy stream costs one rule firing per
    // several pipes' worth, not per pipe.
    if (moved_ < kCallBytes && !more_ended_) return fill_more();
    ++tcp_.stats_.writes;
    finish(moved());
  }

 private:
  // What tcp.write answers when it fails (its default result): Size -1, so
  // that the relay's rules can close the other side.
  static TcpAnswer write_failed() {
    TcpAnswer a;
    a.ok = true;
    a.number = -1;
    return a;
  }

  TcpAnswer moved() const {
    TcpAnswer a;
    a.ok = true;
    a.number = static_cast<int64_t>(moved_);
    return a;
  }

  // Frees both sockets for the next call, answers, and lets the runtime close
  // a connection whose two directions have ended.
  void finish(TcpAnswer a) {
    if (SocketEntry* e = tcp_.sockets_.find(from_)) e->reading = false;
    if (SocketEntry* e = tcp_.sockets_.find(to_)) e->writing = false;
    tcp_.answer(done_, std::move(a));
    tcp_.release_if_done(from_);
    tcp_.release_if_done(to_);
  }

  Elements& tcp_;
  std::weak_ptr<PipePool> pool_;
  Socket from_, to_;
  Done done_;
  std::unique_ptr<SplicePipe> pipe_;
  size_t limit_ = 0;
  size_t in_pipe_ = 0;  // spliced in, not yet out
  size_t moved_ = 0;    // spliced out: written to To
  bool more_ = false;        // filling again after a pipe was written
  bool more_ended_ = false;  // and From had nothing more for now
};

void Elements::splice(Socket from, Socket to, int64_t length, Done done) {
  SocketEntry* src = stream(from, done, "tcp.splice");
  if (!src) return;
  SocketEntry* dst = sockets_.find(to);
  if (!dst || !dst->stream) {  // the read would wait and succeed; the write then fails: Size -1
    TcpAnswer a;
    a.ok = true;
    a.number = -1;
    answer_later(std::move(done), std::move(a));
    return;
  }
  if (src->reading || src->read_ended || dst->writing || length < 0) {
    answer_later(std::move(done), failure("tcp.splice from " + from.to_string() + " to " + to.to_string() +
                                          (src->read_ended ? ": the stream has ended" : ": a call waits on it")));
    return;
  }
  auto call = std::make_shared<SpliceCall>(*this, from, to, std::move(done));
  if (!call->open(length)) {
    answer_later(call->take_done(), failure(std::string("tcp.splice: no pipe: ") + std::strerror(errno)));
    return;
  }
  src->reading = dst->writing = true;
  boost::asio::post(io_, [call] { call->fill(); });  // never answered inside call()
}

}  // namespace mosaic::tcp
