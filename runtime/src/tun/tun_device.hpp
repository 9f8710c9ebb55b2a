// A Linux tun device (`/dev/net/tun`, IFF_TUN | IFF_NO_PI): layer-3 packets in
// and out of the node, for the `tun` predicate's Tun::Rx / Tun::Tx elements.
// Configured from the process (ioctls), never by running `ip`. The device is
// not persistent: the kernel removes it when the last fd closes, so it goes
// away with the node, however the node ends.
//
// The fd is non-blocking. To drive it from Boost.Asio, assign the fd to a
// `posix::stream_descriptor` (release it before destruction) and
// `async_wait(wait_read)`; the reactor is edge-triggered, so after a wake-up
// call read_batch until it reports `drained`, and if a batch fills first,
// `post()` the next round instead of waiting again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <sys/uio.h>

#include "packet_batch.hpp"

namespace mosaic::tun {

// The default MTU keeps an encapsulated packet within a 1500-byte path:
// 1500 - 20 (outer IPv4) - 8 (UDP) - 64 (our frame and tuple encoding) = 1408.
inline constexpr int kPathMtu = 1500;
inline constexpr int kOuterIpv4Header = 20;
inline constexpr int kOuterUdpHeader = 8;
inline constexpr int kEncapsulationOverhead = 64;
inline constexpr int kDefaultTunMtu = kPathMtu - kOuterIpv4Header - kOuterUdpHeader - kEncapsulationOverhead;

// With TSO, the largest super-packet Tun::Rx may read: one tun tuple travels
// in one UDP datagram (at most 65,507 bytes), with room for our frame and
// tuple encoding.
inline constexpr std::uint32_t kMaxSuperPacket = 65000;

struct TunConfig {
  std::string name;             // empty: the kernel picks tunN
  std::uint32_t address = 0;    // IPv4, host byte order; 0: no address
  int prefix_length = 24;
  int mtu = kDefaultTunMtu;
  bool vnet_hdr = false;        // IFF_VNET_HDR and checksum/TSO offloads, if the kernel takes them
  std::uint32_t gso_max_size = 0;  // with TSO: the largest super-packet (0: the kernel's default, 64 KiB)
};

struct TunError {
  int code = 0;                 // errno of the failed call
  std::string message;          // names the step, the cause and, where known, the remedy
  bool permission_denied() const;
};

struct TunReadResult {
  std::size_t packets = 0;      // appended to the batch
  bool drained = false;         // the kernel queue is empty (EAGAIN): wait for readiness again
  int error = 0;                // errno of a failed read, else 0
};

class TunDevice {
 public:
  TunDevice() = default;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;
  TunDevice(TunDevice&& other) noexcept;
  TunDevice& operator=(TunDevice&& other) noexcept;
  ~TunDevice() { close(); }

  // Creates, names, addresses and brings up the device; on failure nothing is left behind.
  bool open(const TunConfig& config, TunError& error);
  void close();

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int mtu() const { return mtu_; }
  // With IFF_VNET_HDR, every read and write starts with a struct virtio_net_hdr
  // of this many bytes (0 without).
  std::size_t vnet_header_size() const { return vnet_header_size_; }
  // The TUN_F_* offloads the kernel accepted (0 without a vnet header).
  unsigned offloads() const { return offloads_; }
  // A buffer this large never truncates a read (TSO reads carry up to 64 KiB).
  std::size_t max_read_size() const;

  // Reads packets into `batch` until the kernel queue is empty or the batch is full.
  TunReadResult read_batch(PacketBatch& batch);
  // Writes one packet (with its vnet header, if enabled); returns 0 or an errno.
  int write(std::span<const std::uint8_t> packet);
  // The same, gathered from pieces (a vnet header, then the packet's parts).
  int write_gather(std::span<const struct iovec> pieces);

 private:
  int fd_ = -1;
  std::string name_;
  int mtu_ = 0;
  std::size_t vnet_header_size_ = 0;
  unsigned offloads_ = 0;
};

// "csum,tso4,tso6", or "none".
std::string describe_offloads(unsigned offloads);

}  // namespace mosaic::tun
