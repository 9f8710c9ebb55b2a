#include "reliable/retransmit_queue.hpp"

#include <algorithm>

namespace mosaic {

void RetransmitQueue::add(const Addr& dest, uint64_t seq, std::string frame, double now) {
  Key key{dest, seq};
  if (pending_.count(key)) acknowledge(dest, seq);  // a reused seq replaces the old message
  Pending& p = pending_[key];
  p.frame = std::move(frame);
  p.give_up_at = now + policy_.retry_for;
  p.backoff = policy_.initial_backoff;
  schedule(key, p, now + p.backoff);
}

bool RetransmitQueue::acknowledge(const Addr& dest, uint64_t seq) {
  auto it = pending_.find(Key{dest, seq});
  if (it == pending_.end()) return false;
  due_.erase({it->second.due, dest, seq});
  pending_.erase(it);
  return true;
}

void RetransmitQueue::poll(double now, const Transmit& transmit, const GiveUp& gave_up) {
  while (!due_.empty() && std::get<0>(*due_.begin()) <= now) {
    auto [due, dest, seq] = *due_.begin();
    due_.erase(due_.begin());
    auto it = pending_.find(Key{dest, seq});
    Pending& p = it->second;
    if (now >= p.give_up_at) {
      pending_.erase(it);
      ++gave_up_;
      if (gave_up) gave_up(dest);
      continue;
    }
    transmit(dest, p.frame);
    ++retransmits_;
    p.backoff = std::min(p.backoff * 2, policy_.max_backoff);
    schedule(it->first, p, now + p.backoff);
  }
}

std::optional<double> RetransmitQueue::next_due() const {
  if (due_.empty()) return std::nullopt;
  return std::get<0>(*due_.begin());
}

void RetransmitQueue::schedule(const Key& key, Pending& p, double due) {
  // The last wake-up is the deadline itself, so a message is given up on time.
  p.due = std::min(due, p.give_up_at);
  due_.insert({p.due, key.first, key.second});
}

}  // namespace mosaic
