// The adapter for IP-based legacy overlays (legacy_adapter.hpp): tuples as
// UDP datagrams inside the legacy overlay's own network. The legacy overlay
// — an OpenVPN tunnel, say — gives its members addresses that only it
// routes; the adapter binds one of them, so every datagram it sends to a
// legacy::"IP:port" travels through that overlay (its tunnel, its crypto,
// its routing), and datagrams arriving there are its deliveries.
//
// Each datagram is a 4-byte tag and one packet; anything else arriving at the
// endpoint is counted as malformed and dropped.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "legacy/legacy_adapter.hpp"
#include "mosaic/addr.hpp"

namespace mosaic::legacy {

class UdpSubstrateAdapter final : public Adapter {
 public:
  UdpSubstrateAdapter(boost::asio::io_context& io, Addr endpoint, LegacyStats& stats);

  bool open(std::string& error) override;
  void send(const Value& dest, std::string_view packet) override;
  void start(Deliver deliver) override;
  std::string describe() const override { return "udp " + endpoint_.to_string(); }

 private:
  void receive();

  boost::asio::ip::udp::socket socket_;
  Addr endpoint_;
  LegacyStats& stats_;
  Deliver deliver_;
  boost::asio::ip::udp::endpoint from_;
  std::array<char, 65536> buffer_{};
};

}  // namespace mosaic::legacy
