#include "node/repeating_timer.hpp"

#include <chrono>

namespace mosaic {

RepeatingTimer::RepeatingTimer(boost::asio::io_context& io, double period, int64_t count, std::function<void()> tick)
    : timer_(io),
      period_(std::chrono::duration_cast<boost::asio::steady_timer::duration>(std::chrono::duration<double>(period))),
      remaining_(count > 0 ? count : -1),
      tick_(std::move(tick)) {}

void RepeatingTimer::start() { arm(boost::asio::steady_timer::clock_type::now() + period_); }

void RepeatingTimer::cancel() {
  remaining_ = 0;
  timer_.cancel();
}

void RepeatingTimer::arm(boost::asio::steady_timer::time_point when) {
  if (remaining_ == 0) return;
  timer_.expires_at(when);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || remaining_ == 0) return;
    if (remaining_ > 0) --remaining_;
    // Stay on the original schedule, but after a stall skip the missed ticks instead of bursting.
    auto now = boost::asio::steady_timer::clock_type::now();
    auto next = timer_.expiry() + period_;
    if (next <= now) next = now + period_;
    arm(next);
    tick_();
  });
}

}  // namespace mosaic
