#include "legacy/udp_substrate_adapter.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <cstring>

#include "mosaic/log.hpp"

namespace mosaic::legacy {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr char kTag[4] = {'M', 'Z', 'L', '1'};  // a MOSAIC tuple carried by a legacy overlay, version 1

udp::endpoint to_endpoint(const Addr& a) { return {asio::ip::address_v4(a.host()), a.port()}; }

}  // namespace

UdpSubstrateAdapter::UdpSubstrateAdapter(asio::io_context& io, Addr endpoint, LegacyStats& stats)
    : socket_(io), endpoint_(std::move(endpoint)), stats_(stats) {}

bool UdpSubstrateAdapter::open(std::string& error) {
  boost::system::error_code ec;
  socket_.open(udp::v4(), ec);
  if (!ec) socket_.bind(to_endpoint(endpoint_), ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    error = "cannot bind " + endpoint_.to_string() + " (an address of the legacy overlay's network on this host?): " +
            ec.message();
    return false;
  }
  return true;
}

void UdpSubstrateAdapter::send(const Value& dest, std::string_view packet) {
  Addr to;
  if (!convert(dest, to) || !to.is_ip()) {
    ++stats_.send_failed;
    log(LogLevel::Debug, "legacy: " + dest.to_literal() + " is no IP:port of the legacy overlay");
    return;
  }
  std::string datagram(kTag, sizeof kTag);
  datagram.append(packet);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(datagram), to_endpoint(to), 0, ec);  // non-blocking: a full buffer drops
  if (ec) {
    ++stats_.send_failed;
    log(LogLevel::Debug, "legacy: sending to " + to.to_string() + ": " + ec.message());
    return;
  }
  ++stats_.sent;
}

void UdpSubstrateAdapter::start(Deliver deliver) {
  deliver_ = std::move(deliver);
  receive();
}

void UdpSubstrateAdapter::receive() {
  socket_.async_receive_from(asio::buffer(buffer_), from_, [this](boost::system::error_code ec, size_t n) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (n < sizeof kTag || std::memcmp(buffer_.data(), kTag, sizeof kTag) != 0) ++stats_.malformed;
      else deliver_(std::string(buffer_.data() + sizeof kTag, n - sizeof kTag));
    }
    receive();
  });
}

}  // namespace mosaic::legacy
