// Where a node's time comes from: seconds on a monotonic clock, from 0 when
// the clock is made. Everything that measures time (uptime, retransmission,
// expiry, duplicate gaps) asks the node's Clock, so a test can drive it by hand.
// The event loop's timers still wait in real time; they only decide when the
// node looks at its Clock (see Node::housekeeping).
#pragma once

#include <chrono>

namespace mosaic {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now() const = 0;
};

// Real nodes.
class SteadyClock final : public Clock {
 public:
  double now() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  }

 private:
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
};

// Tests: time moves only when told to.
class ManualClock final : public Clock {
 public:
  double now() const override { return now_; }
  void advance(double seconds) { now_ += seconds; }

 private:
  double now_ = 0;
};

}  // namespace mosaic
