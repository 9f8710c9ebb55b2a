// Receive buffers for one batch of tun reads, allocated once: each slot has
// `headroom` bytes in front of the packet so an encapsulating header can be
// written in place, without a copy or a per-packet allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mosaic::tun {

class PacketBatch {
 public:
  PacketBatch(std::size_t capacity, std::size_t packet_size, std::size_t headroom = 0)
      : storage_(capacity * (headroom + packet_size)),
        lengths_(capacity),
        packet_size_(packet_size),
        headroom_(headroom) {}

  std::size_t capacity() const { return lengths_.size(); }
  std::size_t size() const { return count_; }
  bool full() const { return count_ == lengths_.size(); }
  void clear() { count_ = 0; }

  std::span<std::uint8_t> packet(std::size_t i) { return {slot(i) + headroom_, lengths_[i]}; }
  // Packet i with `prefix` bytes of its headroom in front (prefix <= headroom).
  std::span<std::uint8_t> packet_with_prefix(std::size_t i, std::size_t prefix) {
    return {slot(i) + headroom_ - prefix, lengths_[i] + prefix};
  }

  // For the reader: the buffer the next packet goes into, then its length.
  std::span<std::uint8_t> next_buffer() { return {slot(count_) + headroom_, packet_size_}; }
  void commit(std::size_t length) { lengths_[count_++] = length; }

 private:
  std::uint8_t* slot(std::size_t i) { return storage_.data() + i * (headroom_ + packet_size_); }

  std::vector<std::uint8_t> storage_;
  std::vector<std::size_t> lengths_;
  std::size_t packet_size_;
  std::size_t headroom_;
  std::size_t count_ = 0;
};

}  // namespace mosaic::tun
