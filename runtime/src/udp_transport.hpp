// The node's one UDP socket: bound to --addr, receiving every datagram into
// a buffer large enough for any UDP payload, and sending without blocking
// (a datagram the kernel cannot take now is lost, as on any network; reliable
// messages are retransmitted).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mosaic/addr.hpp"

namespace mosaic {

class UdpTransport {
 public:
  using Receive = std::function<void(const Addr& from, std::string_view datagram)>;

  explicit UdpTransport(boost::asio::io_context& io) : socket_(io), buffer_(65536) {}

  // Binds the socket; on failure returns false and says why.
  bool open(const Addr& local, std::string& error);
  // Calls `on_datagram` for every datagram until close().
  void start(Receive on_datagram);
  bool send(const Addr& dest, std::string_view datagram);
  void close();

 private:
  void receive_next();

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint from_;
  std::vector<char> buffer_;
  Receive on_datagram_;
};

}  // namespace mosaic
