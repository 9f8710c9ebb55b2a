// The node's one UDP socket: bound to --addr, receiving every datagram into
// a buffer large enough for any UDP payload, and sending without blocking
// (a datagram the kernel cannot take now is lost, as on any network; reliable
// messages are retransmitted).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "link/transport.hpp"

namespace mosaic {

class UdpTransport final : public Transport {
 public:
  explicit UdpTransport(boost::asio::io_context& io) : socket_(io), buffer_(65536) {}

  bool open(const Addr& local, std::string& error) override;
  void start(Receive on_datagram) override;
  bool send(const Addr& dest, std::string_view datagram) override;
  void close() override;

 private:
  void receive_next();

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint from_;
  std::vector<char> buffer_;
  Receive on_datagram_;
};

}  // namespace mosaic
