// Reliable messages a node has sent and not yet seen acknowledged. Each is
// retransmitted with exponential backoff until it is acknowledged or its
// retry time runs out, when it is given up (and counted). Time is passed in,
// so the schedule can be tested without sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "mosaic/addr.hpp"

namespace mosaic {

struct RetransmitPolicy {
  double initial_backoff = 0.2;  // seconds until the first retransmission
  double max_backoff = 2.0;      // the backoff doubles up to this
  double retry_for = 30.0;       // seconds after the first transmission to give up
};

class RetransmitQueue {
 public:
  using Transmit = std::function<void(const Addr& dest, const std::string& frame)>;
  using GiveUp = std::function<void(const Addr& dest)>;

  explicit RetransmitQueue(RetransmitPolicy policy) : policy_(policy) {}

  // Tracks `frame`, just transmitted for the first time at `now`.
  void add(const Addr& dest, uint64_t seq, std::string frame, double now);
  // Forgets the message; returns whether it was outstanding.
  bool acknowledge(const Addr& dest, uint64_t seq);
  // Retransmits what is due at `now` and gives up what has run out of time,
  // telling `gave_up` about each message given up.
  void poll(double now, const Transmit& transmit, const GiveUp& gave_up = {});

  size_t outstanding() const { return pending_.size(); }
  uint64_t retransmits() const { return retransmits_; }
  uint64_t gave_up() const { return gave_up_; }
  double retry_for() const { return policy_.retry_for; }
  std::optional<double> next_due() const;

 private:
  using Key = std::pair<Addr, uint64_t>;
  struct Pending {
    std::string frame;
    double give_up_at;
    double backoff;
    double due;
  };
  void schedule(const Key& key, Pending& p, double due);

  RetransmitPolicy policy_;
  std::map<Key, Pending> pending_;
  std::set<std::tuple<double, Addr, uint64_t>> due_;  // ordered by due time
  uint64_t retransmits_ = 0;
  uint64_t gave_up_ = 0;
};

}  // namespace mosaic
