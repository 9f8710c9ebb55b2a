// Receiver-side duplicate suppression for reliable messages. Per sender
// address it keeps the sender's incarnation, a cumulative floor (every seq at
// or below it has been seen) and the seqs seen above the floor. Memory is
// bounded: when too many seqs wait above a gap, the floor moves past the gap,
// and a message from inside the gap arriving later counts as a duplicate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <unordered_map>

#include "mosaic/addr.hpp"
#include "mosaic/hash.hpp"

namespace mosaic {

class DuplicateFilter {
 public:
  explicit DuplicateFilter(size_t max_above_floor = 4096) : max_above_floor_(max_above_floor) {}

  // True the first time `seq` arrives from this sender's incarnation. A new
  // incarnation (a restarted sender) starts afresh.
  bool first_time(const Addr& from, uint64_t incarnation, uint64_t seq);

  size_t senders() const { return senders_.size(); }

 private:
  struct Sender {
    uint64_t incarnation = 0;
    uint64_t floor = 0;  // senders number their messages from 1
    std::set<uint64_t> above;
  };
  void advance_floor(Sender& s);

  size_t max_above_floor_;
  std::unordered_map<Addr, Sender, Hash> senders_;
};

}  // namespace mosaic
