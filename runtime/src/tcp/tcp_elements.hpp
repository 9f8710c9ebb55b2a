// The TCP elements of paper §5.3: one per tcp.* view, on the node's event
// loop. A call comes in as the view's init tuple (Engine::tcp_call); its
// element starts the socket operation and, when it completes, answers the
// call once (mosaic/tcp.hpp says what each view does). One file per element:
// tcp_listen.cpp, tcp_accept.cpp, tcp_connect.cpp, tcp_read.cpp,
// tcp_write.cpp, tcp_close.cpp; and tcp_splice.cpp, the relay idiom fused.
//
// A connection is closed by tcp.close, or by the runtime once both of its
// directions have ended (release_if_done).
//
// Back-pressure is the rules' own: a relay reads again only once its write
// has completed, and a read waits for the kernel, so a slow receiver leaves
// data in the kernel's socket buffers, not in the node.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>
#include <string>

#include "mosaic/tcp.hpp"
#include "tcp/socket_table.hpp"
#include "tcp/splice_pipe.hpp"
#include "tcp/tcp_stats.hpp"

namespace mosaic::tcp {

// The most a read returns at once.
inline constexpr size_t kReadChunk = 256 * 1024;
// How long tcp.connect may take (name resolution included) before it fails.
inline constexpr int kConnectSeconds = 10;

class Elements final : public TcpService {
 public:
  using Done = std::function<void(TcpAnswer&&)>;

  // `answered` runs after each answer reached the program (the node then lets it run).
  Elements(boost::asio::io_context& io, std::function<void()> answered);
  ~Elements() override;

  void call(TcpOp op, TcpArgs args, Done done) override;

  const TcpStats& stats() const { return stats_; }
  bool used() const { return used_; }

  // No answer reaches the program after this (the node is going away).
  void shutdown();

 private:
  void listen(const Addr& at, Done done);
  void accept(Socket listener, Done done);
  void connect(const std::string& host, int64_t port, Done done);
  void read(Socket s, int64_t length, Done done);
  void write(Socket s, const Bytes& data, Done done);
  void close(Socket s, Done done);
  void splice(Socket from, Socket to, int64_t length, Done done);

  class SpliceCall;  // tcp_splice.cpp
  friend class SpliceCall;
  // Empty pipes for the next tcp.splice calls. Shared so that a call still
  // held by a handler when the node goes away does not return its pipe to
  // a pool that is gone.
  using PipePool = std::vector<std::unique_ptr<SplicePipe>>;
  std::shared_ptr<PipePool> free_pipes_ = std::make_shared<PipePool>();

  // Answers from the event loop (never inside call()), counting failures.
  void answer(Done& done, TcpAnswer&& a);
  void answer_later(Done done, TcpAnswer a);
  static TcpAnswer failure(std::string why);

  SocketEntry* stream(Socket s, Done& done, const char* view);
  // A connection whose two directions have ended is closed here: no call on
  // it could do anything but fail, and relays need not close what they relay.
  void release_if_done(Socket s);

  boost::asio::io_context& io_;
  std::function<void()> answered_;
  SocketTable sockets_;
  TcpStats stats_;
  bool used_ = false;
  bool stopped_ = false;
};

}  // namespace mosaic::tcp
