#include "link/udp/udp_transport.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "mosaic/log.hpp"

namespace mosaic {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

udp::endpoint endpoint_of(const Addr& a) { return udp::endpoint(asio::ip::address_v4(a.host()), a.port()); }

// A msghdr for one buffer, a peer address and a control (cmsg) buffer.
msghdr message(sockaddr_in& peer, iovec& data, void* control, std::size_t control_size) {
  msghdr msg{};
  msg.msg_name = &peer;
  msg.msg_namelen = sizeof peer;
  msg.msg_iov = &data;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = control_size;
  return msg;
}

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
  const int on = 1;
  ::setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on);  // trains may arrive whole; without it, fragment by fragment
  const int size = kSocketBufferBytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    socket_.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ec);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    socket_.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ec);
  return true;
}

void UdpTransport::start(Receive on_datagram) {
  on_datagram_ = std::move(on_datagram);
  drain();  // datagrams may have arrived already: the reactor reports only new readiness
}

void UdpTransport::wait_readable() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (!ec && socket_.is_open()) drain();
  });
}

// Reads until the socket is empty, or a batch has been handled: then the
// loop's other work (timers, the tun device, the program) gets its turn first.
void UdpTransport::drain() {
  constexpr int kBatch = 64;
  const int fd = socket_.native_handle();
  for (int i = 0; i < kBatch && socket_.is_open(); ++i) {
    sockaddr_in from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg = message(from, iov, control, sizeof control);
    ssize_t n = ::recvmsg(fd, &msg, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_readable();
      if (errno == EINTR) continue;
      if (log_enabled(LogLevel::Debug)) log(LogLevel::Debug, std::string("receive: ") + std::strerror(errno));
      continue;  // e.g. an ICMP error for an earlier send
    }
    if (from.sin_family != AF_INET) continue;
    Addr sender = Addr::ip(ntohl(from.sin_addr.s_addr), ntohs(from.sin_port));
    // With UDP_GRO one read may hold a train of equal-sized datagrams (the last shorter).
    std::size_t segment = static_cast<std::size_t>(n);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
        int size;
        std::memcpy(&size, CMSG_DATA(c), sizeof size);
        if (size > 0) segment = static_cast<std::size_t>(size);
      }
    }
    if (n == 0) {  // an empty datagram is a datagram too (malformed: the node counts it)
      arrived(sender, {});
      continue;
    }
    for (std::size_t at = 0; at < static_cast<std::size_t>(n) && socket_.is_open(); at += segment)
      arrived(sender, std::string_view(buffer_.data() + at, std::min(segment, static_cast<std::size_t>(n) - at)));
  }
  if (socket_.is_open()) asio::post(io_, [this] { if (socket_.is_open()) drain(); });
}

void UdpTransport::arrived(const Addr& from, std::string_view datagram) {
  if (!udp_fragment::is_fragment(datagram)) return on_datagram_(from, datagram);
  double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (auto whole = reassembly_.add(from, datagram, now)) on_datagram_(from, *whole);
}

bool UdpTransport::send(const Addr& dest, std::string_view datagram) {
  if (datagram.size() > udp_fragment::kPathPayload) return send_fragments(dest, datagram);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), endpoint_of(dest), 0, ec);
  if (ec && log_enabled(LogLevel::Debug)) log(LogLevel::Debug, "send to " + dest.to_string() + ": " + ec.message());
  return !ec;
}

bool UdpTransport::send_fragments(const Addr& dest, std::string_view datagram) {
  const std::size_t count = udp_fragment::split(datagram, next_train_++, train_);
  if (count == 0) return false;  // larger than any train
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(dest.host());
  to.sin_port = htons(dest.port());
  const int fd = socket_.native_handle();
  if (gso_) {
    iovec iov{train_.data(), train_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint16_t))] = {};
    msghdr msg = message(to, iov, control, sizeof control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    const uint16_t segment = udp_fragment::kPathPayload;
    std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
    if (::sendmsg(fd, &msg, 0) >= 0) return true;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return false;  // full: lost, as any datagram
    if (errno != EMSGSIZE) {  // a train over 64 KiB in all is too big for one send; anything else: no GSO here
      gso_ = false;           // one datagram per fragment from now on
      log(LogLevel::Info, std::string("UDP segmentation offload unavailable (") + std::strerror(errno) +
                              "); sending fragments one by one");
    }
  }
  for (std::size_t at = 0; at < train_.size(); at += udp_fragment::kPathPayload) {
    std::size_t n = std::min(udp_fragment::kPathPayload, train_.size() - at);
    if (::sendto(fd, train_.data() + at, n, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) return false;
  }
  return true;
}

void UdpTransport::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace mosaic
