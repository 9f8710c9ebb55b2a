// tun_probe: creates a tun device with TunDevice and answers ICMP echo requests
// that arrive on it, for tests/netns/test_tun_device.py.
//
//   tun_probe --name mzt0 --addr 198.19.0.1/24 [--mtu 1408] [--vnet-hdr] [--max-seconds 60]
//
// Prints "ready name=... mtu=... vnet_header=... offloads=..." once the device
// is up, and "echoed N ignored M full_batches F" when it stops (SIGTERM, SIGINT or the time
// bound). Exit status: 0 after a clean stop, 2 for bad arguments, 3 when the
// device cannot be created for lack of permission, 1 for any other failure.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tun/byte_order.hpp"
#include "tun/checksum.hpp"
#include "tun/ipv4_packet.hpp"
#include "tun/tun_device.hpp"

namespace asio = boost::asio;
using namespace mosaic::tun;

namespace {

constexpr std::size_t kBatch = 32;

struct Options {
  TunConfig config;
  int max_seconds = 60;
};

bool parse_prefix(const std::string& text, TunConfig& config) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  in_addr a{};
  if (inet_pton(AF_INET, text.substr(0, slash).c_str(), &a) != 1) return false;
  config.address = ntohl(a.s_addr);
  config.prefix_length = std::stoi(text.substr(slash + 1));
  return true;
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--vnet-hdr") {
      o.config.vnet_hdr = true;
    } else if (arg == "--name" && has_value) {
      o.config.name = argv[++i];
    } else if (arg == "--addr" && has_value) {
      if (!parse_prefix(argv[++i], o.config)) return false;
    } else if (arg == "--mtu" && has_value) {
      o.config.mtu = std::stoi(argv[++i]);
    } else if (arg == "--max-seconds" && has_value) {
      o.max_seconds = std::stoi(argv[++i]);
    } else {
      return false;
    }
  }
  return true;
}

// Turns an ICMP echo request into its reply in place; false for anything else.
bool make_echo_reply(std::span<std::uint8_t> packet) {
  auto parsed = parse_ipv4(packet, true);
  auto* ip = std::get_if<Ipv4Packet>(&parsed);
  if (!ip || ip->protocol() != IPPROTO_ICMP || !ip->is_first_fragment()) return false;
  std::span<std::uint8_t> icmp = ip->payload();
  if (icmp.size() < sizeof(struct icmphdr) || icmp[0] != ICMP_ECHO || icmp[1] != 0) return false;
  std::uint32_t src = ip->src();
  ip->set_src(ip->dst());
  ip->set_dst(src);
  // Type and code form the first checksummed word of the ICMP message.
  std::uint8_t* check = icmp.data() + offsetof(struct icmphdr, checksum);
  icmp[0] = ICMP_ECHOREPLY;
  store_be16(check, checksum_adjust(load_be16(check), ICMP_ECHO << 8, ICMP_ECHOREPLY << 8));
  return true;
}

class Echoer {
 public:
  Echoer(asio::io_context& io, TunDevice& tun)
      : io_(io), tun_(tun), readable_(io, tun.fd()), batch_(kBatch, tun.max_read_size()) {}
  ~Echoer() { readable_.release(); }  // the fd belongs to the TunDevice

  void start() { wait(); }
  unsigned long echoed() const { return echoed_; }
  unsigned long ignored() const { return ignored_; }
  unsigned long full_batches() const { return full_batches_; }
  bool failed() const { return failed_; }

 private:
  void wait() {
    readable_.async_wait(asio::posix::stream_descriptor::wait_read, [this](auto ec) {
      if (!ec) drain();
    });
  }

  // Edge-triggered readiness: read until EAGAIN; a full batch posts the next round.
  void drain() {
    batch_.clear();
    TunReadResult result = tun_.read_batch(batch_);
    std::size_t header = tun_.vnet_header_size();
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      std::span<std::uint8_t> frame = batch_.packet(i);
      if (frame.size() < header || !make_echo_reply(frame.subspan(header))) {
        ++ignored_;
        continue;
      }
      std::memset(frame.data(), 0, header);  // a complete packet: no GSO, checksums done
      if (int err = tun_.write(frame)) std::fprintf(stderr, "tun_probe: write: %s\n", std::strerror(err));
      else ++echoed_;
    }
    if (result.error) {
      std::fprintf(stderr, "tun_probe: read: %s\n", std::strerror(result.error));
      failed_ = true;
      io_.stop();
    } else if (result.drained) {
      wait();
    } else {
      ++full_batches_;
      asio::post(io_, [this] { drain(); });
    }
  }

  asio::io_context& io_;
  TunDevice& tun_;
  asio::posix::stream_descriptor readable_;
  PacketBatch batch_;
  unsigned long echoed_ = 0;
  unsigned long ignored_ = 0;
  unsigned long full_batches_ = 0;  // rounds that stopped at the batch cap, not at EAGAIN
  bool failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    if (!parse_options(argc, argv, options)) throw std::invalid_argument("usage");
  } catch (const std::exception&) {
    std::fprintf(stderr,
                 "usage: tun_probe --name NAME --addr A.B.C.D/LEN [--mtu N] [--vnet-hdr] [--max-seconds S]\n");
    return 2;
  }
  TunDevice tun;
  TunError error;
  if (!tun.open(options.config, error)) {
    std::fprintf(stderr, "tun_probe: %s\n", error.message.c_str());
    return error.permission_denied() ? 3 : 1;
  }
  std::printf("ready name=%s mtu=%d vnet_header=%zu offloads=%s\n", tun.name().c_str(), tun.mtu(),
              tun.vnet_header_size(), describe_offloads(tun.offloads()).c_str());
  std::fflush(stdout);

  asio::io_context io;
  asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](auto, int) { io.stop(); });
  asio::steady_timer deadline(io, std::chrono::seconds(options.max_seconds));
  deadline.async_wait([&](auto ec) {
    if (!ec) io.stop();
  });
  Echoer echoer(io, tun);
  echoer.start();
  io.run();

  std::printf("echoed %lu ignored %lu full_batches %lu\n", echoer.echoed(), echoer.ignored(),
              echoer.full_batches());
  return echoer.failed() ? 1 : 0;
}
