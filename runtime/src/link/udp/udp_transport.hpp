// The node's one UDP socket: bound to --addr, receiving every datagram into
// a buffer large enough for any UDP payload, and sending without blocking
// (a datagram the kernel cannot take now is lost, as on any network; reliable
// messages are retransmitted). A datagram larger than one path-MTU payload
// leaves as a train of our own fragments in one UDP GSO send and is
// reassembled here (udp_fragments.hpp); receiving drains the socket with
// recvmsg, taking UDP GRO trains apart.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "link/transport.hpp"
#include "link/udp/udp_fragments.hpp"

namespace mosaic {

class UdpTransport final : public Transport {
 public:
  explicit UdpTransport(boost::asio::io_context& io) : io_(io), socket_(io), buffer_(65536) {}

  bool open(const Addr& local, std::string& error) override;
  void start(Receive on_datagram) override;
  bool send(const Addr& dest, std::string_view datagram) override;
  void close() override;

 private:
  void wait_readable();
  void drain();
  void arrived(const Addr& from, std::string_view datagram);
  bool send_fragments(const Addr& dest, std::string_view datagram);

  boost::asio::io_context& io_;
  boost::asio::ip::udp::socket socket_;
  std::vector<char> buffer_;
  Receive on_datagram_;
  Reassembly reassembly_;
  std::string train_;        // the fragments being sent, reused
  uint32_t next_train_ = 1;
  bool gso_ = true;          // UDP_SEGMENT works here (until a send says otherwise)
};

}  // namespace mosaic
