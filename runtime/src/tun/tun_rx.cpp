#include "tun_rx.hpp"

#include <boost/asio/post.hpp>
#include <string>

#include "ip_packet.hpp"
#include "vnet_header.hpp"
#include "mosaic/log.hpp"

namespace mosaic::tun {

Rx::Rx(boost::asio::io_context& io, TunDevice& device, Program& program, TunStats& stats,
       std::function<void()> after_batch)
    : io_(io),
      descriptor_(io, device.fd()),
      device_(device),
      program_(program),
      stats_(stats),
      after_batch_(std::move(after_batch)),
      batch_(kBatch, device.max_read_size()) {}

Rx::~Rx() {
  stop();
  descriptor_.release();  // the TunDevice owns the fd
}

void Rx::start() {
  running_ = true;
  read_some();  // packets may already be queued: the reactor only reports new readiness
}

void Rx::stop() {
  running_ = false;
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
}

void Rx::wait() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (!ec && running_) read_some();
  });
}

void Rx::read_some() {
  batch_.clear();
  TunReadResult r = device_.read_batch(batch_);
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    std::span<std::uint8_t> packet = batch_.packet(i);
    if (std::size_t vnet = device_.vnet_header_size(); vnet > 0) {
      // The rules see whole packets: a checksum the kernel left to the device is finished here.
      if (packet.size() < vnet || !complete_checksum(packet.subspan(vnet), VnetHeader::read(packet))) {
        ++stats_.read_malformed;
        continue;
      }
      packet = packet.subspan(vnet);
    }
    if (auto reject = check_ip_packet(packet)) {
      ++stats_.read_malformed;
      if (log_enabled(LogLevel::Debug))
        log(LogLevel::Debug, "tun: dropped a packet from the device: " + std::string(to_string(*reject)));
      continue;
    }
    if (program_.tun_received(Bytes(packet.data(), packet.size()))) ++stats_.read;
    else ++stats_.read_unused;
  }
  if (batch_.size() > 0) after_batch_();
  if (r.error != 0 && log_enabled(LogLevel::Debug))
    log(LogLevel::Debug, "tun: read failed: errno " + std::to_string(r.error));
  if (!running_) return;
  // The queue is not known to be empty: read again after the work already
  // queued on the loop (datagrams, timers) has had its turn.
  if (!r.drained && r.error == 0) boost::asio::post(io_, [this] { if (running_) read_some(); });
  else wait();
}

}  // namespace mosaic::tun
