// Receiver-side duplicate suppression for reliable messages. Per sender
// address it keeps the sender's incarnation, a cumulative floor (every seq at
// or below it has been seen) and the seqs seen above the floor.
//
// Memory is bounded without ever mistaking a new message for a duplicate:
// when too many seqs wait above a gap, further ones are refused (not acked,
// so the sender retransmits them) until the gap fills. Seqs that fill gaps
// inside the held range get twice the room, so that recovery is not refused. A gap is given up only
// when the sender must have given up on it too: once a seq above it arrived
// longer ago than the sender's retry time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <unordered_map>
#include <utility>

#include "mosaic/addr.hpp"
#include "mosaic/hash.hpp"

namespace mosaic {

class DuplicateFilter {
 public:
  struct Limits {
    size_t max_above_floor = 32768;  // held seqs beyond the highest gap-filler; 2x in all
    double gap_timeout = 32;  // seconds; at least the senders' retry time
  };
  enum class Verdict {
    New,        // deliver and ack
    Duplicate,  // ack only: the first ack may have been lost
    NoRoom,     // neither: the sender will retransmit
  };

  explicit DuplicateFilter(Limits limits) : limits_(limits) {}

  // A new incarnation of a sender (it restarted) starts afresh.
  Verdict check(const Addr& from, uint64_t incarnation, uint64_t seq, double now);

  size_t senders() const { return senders_.size(); }

 private:
  struct Sender {
    uint64_t incarnation = 0;
    uint64_t floor = 0;  // senders number their messages from 1
    std::set<uint64_t> above;
    std::deque<std::pair<double, uint64_t>> arrivals;  // (time, seq) of what went into `above`
  };
  void give_up_old_gaps(Sender& s, double now) const;
  static void absorb(Sender& s);

  Limits limits_;
  std::unordered_map<Addr, Sender, Hash> senders_;
};

}  // namespace mosaic
