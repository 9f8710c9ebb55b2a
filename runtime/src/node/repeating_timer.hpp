// Calls a function every `period` seconds on the event loop: for periodic()
// events and for the node's own housekeeping (expiry, retransmission).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>

namespace mosaic {

class RepeatingTimer {
 public:
  // The first tick comes one period after start(); then one per period,
  // `count` ticks in all if count > 0, else until cancelled.
  RepeatingTimer(boost::asio::io_context& io, double period, int64_t count, std::function<void()> tick);

  void start();
  void cancel();

 private:
  void arm(boost::asio::steady_timer::time_point when);

  boost::asio::steady_timer timer_;
  boost::asio::steady_timer::duration period_;
  int64_t remaining_;  // -1: forever
  std::function<void()> tick_;
};

}  // namespace mosaic
