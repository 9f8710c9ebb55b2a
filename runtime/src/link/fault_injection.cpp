#include "link/fault_injection.hpp"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace mosaic {

FaultInjection::FaultInjection(boost::asio::io_context& io, Transport& link, Config config)
    : io_(io),
      link_(link),
      drop_rate_(config.drop_rate),
      delay_(config.delay),
      drop_rng_(config.drop_seed),
      drop_(config.drop_rate) {}

bool FaultInjection::open(const Addr& local, std::string& error) {
  open_ = link_.open(local, error);
  return open_;
}

void FaultInjection::start(Receive on_datagram) {
  on_datagram_ = std::move(on_datagram);
  link_.start([this](const Addr& from, std::string_view datagram) { arrive(from, datagram); });
}

void FaultInjection::arrive(const Addr& from, std::string_view datagram) {
  if (peers_.drop(from)) {  // as if it never arrived
    ++dropped_arriving_;
    return;
  }
  if (drop_rate_ > 0 && drop_(drop_rng_)) {
    ++filtered_;
    ++dropped_arriving_;
    return;
  }
  on_datagram_(from, datagram);
}

bool FaultInjection::send(const Addr& dest, std::string_view datagram) {
  if (peers_.drop(dest)) return false;  // lost on the way, as far as the reliable channel can tell
  if (double late = delay_ + peers_.delay(dest); late > 0) {
    // A slow link: the datagram leaves later, from its own timer.
    auto timer = std::make_shared<boost::asio::steady_timer>(
        io_, std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(late)));
    timer->async_wait([this, timer, dest, copy = std::string(datagram)](const boost::system::error_code& ec) {
      if (!ec && open_) link_.send(dest, copy);
    });
    return true;
  }
  return link_.send(dest, datagram);
}

void FaultInjection::close() {
  open_ = false;
  link_.close();
}

}  // namespace mosaic
