#include "link/udp/udp_transport.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/socket_base.hpp>
#include <sys/socket.h>

#include "mosaic/log.hpp"

namespace mosaic {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

udp::endpoint endpoint_of(const Addr& a) { return udp::endpoint(asio::ip::address_v4(a.host()), a.port()); }

constexpr int kSocketBufferBytes = 8 << 20;  // absorbs bursts of many small tuples, and of tun super-packets

}  // namespace

bool UdpTransport::open(const Addr& local, std::string& error) {
  boost::system::error_code ec;
  socket_.open(udp::v4(), ec);
  if (!ec) socket_.bind(endpoint_of(local), ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    error = ec.message();
    boost::system::error_code ignored;
    socket_.close(ignored);
    return false;
  }
  // Best effort. With CAP_NET_ADMIN the *FORCE options pass net.core.[rw]mem_max
  // (212 KiB by default), which a tun node needs: one 64 KiB super-packet
  // arrives as ~45 IP fragments and is charged ~100 KiB of buffer. Without the
  // capability the kernel caps the plain options, which is fine.
  const int fd = socket_.native_handle();
  const int size = kSocketBufferBytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    socket_.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ec);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    socket_.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ec);
  return true;
}

void UdpTransport::start(Receive on_datagram) {
  on_datagram_ = std::move(on_datagram);
  receive_next();
}

void UdpTransport::receive_next() {
  socket_.async_receive_from(asio::buffer(buffer_), from_, [this](const boost::system::error_code& ec, size_t n) {
    if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
    if (!ec && from_.address().is_v4()) {
      on_datagram_(Addr::ip(from_.address().to_v4().to_uint(), from_.port()), std::string_view(buffer_.data(), n));
    } else if (ec && log_enabled(LogLevel::Debug)) {
      log(LogLevel::Debug, "receive: " + ec.message());  // e.g. an ICMP error for an earlier send
    }
    if (socket_.is_open()) receive_next();  // the handler may have closed it
  });
}

bool UdpTransport::send(const Addr& dest, std::string_view datagram) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), endpoint_of(dest), 0, ec);
  if (ec && log_enabled(LogLevel::Debug)) log(LogLevel::Debug, "send to " + dest.to_string() + ": " + ec.message());
  return !ec;
}

void UdpTransport::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace mosaic
