// Tun::Rx (paper §5.3, Figure 4): IP packets read from the node's tun device
// become tun(Packet) events. Reads in batches on the node's event loop: one
// wake-up drains the device queue (up to a batch), each well-formed packet is
// handed to the program's tun strands, and then the program runs once for all
// of them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>

#include "mosaic/program.hpp"
#include "packet_batch.hpp"
#include "tun_device.hpp"
#include "tun_stats.hpp"

namespace mosaic::tun {

class Rx {
 public:
  // After each batch handed to `program`, `after_batch` runs (the node lets the program run).
  Rx(boost::asio::io_context& io, TunDevice& device, Program& program, TunStats& stats,
     std::function<void()> after_batch);
  ~Rx();

  void start();
  void stop();

 private:
  static constexpr std::size_t kBatch = 64;

  void wait();
  void read_some();

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor descriptor_;
  TunDevice& device_;
  Program& program_;
  TunStats& stats_;
  std::function<void()> after_batch_;
  PacketBatch batch_;
  bool running_ = false;
};

}  // namespace mosaic::tun
