// The control endpoint (--control PORT): TCP on 127.0.0.1 only, one JSON
// request per line in, one JSON reply per line out (control_protocol.hpp),
// any number of clients at once, all on the node's event loop.
//
// Bounds: a request line longer than kMaxControlLine gets an error reply and
// the connection is closed; a client that leaves more than kMaxControlBacklog
// bytes of replies unread is dropped; a watch sends nothing while the client
// still has unread output (it catches up with the rows as they are then);
// at most kMaxControlClients are connected at once (others get an error reply
// and are closed).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "control/control_protocol.hpp"
#include "node/node_stats.hpp"

namespace mosaic {

constexpr size_t kMaxControlBacklog = 4 << 20;  // bytes of unsent replies per client
constexpr size_t kMaxControlClients = 64;

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ControlHandler& handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Listens on 127.0.0.1:PORT (0: a free port); on failure returns false and says why.
  bool open(uint16_t port, std::string& error);
  uint16_t port() const { return port_; }
  // Accepts clients until close().
  void start();
  // Closes the listening socket and every client.
  void close();

  ControlStats stats() const;

 private:
  class Session;
  friend class Session;

  void accept_next();
  void closed(const std::shared_ptr<Session>& session);

  boost::asio::io_context& io_;
  ControlHandler& handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::set<std::shared_ptr<Session>> sessions_;
  uint16_t port_ = 0;
  bool open_ = false;
  ControlStats stats_;
};

}  // namespace mosaic
