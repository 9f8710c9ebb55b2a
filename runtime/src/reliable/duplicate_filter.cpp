#include "reliable/duplicate_filter.hpp"

namespace mosaic {

DuplicateFilter::Verdict DuplicateFilter::check(const Addr& from, uint64_t incarnation, uint64_t seq, double now) {
  auto [it, fresh] = senders_.try_emplace(from);
  Sender& s = it->second;
  if (fresh || s.incarnation != incarnation) {
    s = Sender();
    s.incarnation = incarnation;
  }
  give_up_old_gaps(s, now);
  if (seq <= s.floor || s.above.count(seq)) return Verdict::Duplicate;
  if (seq == s.floor + 1) {
    s.floor = seq;
    absorb(s);
    return Verdict::New;
  }
  // A seq inside the held range fills a gap and gets more room than one that extends the range.
  size_t room = !s.above.empty() && seq < *s.above.rbegin() ? 2 * limits_.max_above_floor : limits_.max_above_floor;
  if (s.above.size() >= room) return Verdict::NoRoom;
  s.above.insert(seq);
  s.arrivals.emplace_back(now, seq);
  return Verdict::New;
}

void DuplicateFilter::give_up_old_gaps(Sender& s, double now) const {
  // Every seq missing below an arrival was first sent before it; once that
  // arrival is older than the retry time, the sender has stopped trying.
  while (!s.arrivals.empty() && s.arrivals.front().first + limits_.gap_timeout <= now) {
    uint64_t seq = s.arrivals.front().second;
    s.arrivals.pop_front();
    if (seq > s.floor) {
      s.floor = seq;
      s.above.erase(s.above.begin(), s.above.upper_bound(seq));
      absorb(s);
    }
  }
  // Arrivals whose seq the floor has passed only wait to be popped; keep them few.
  if (s.arrivals.size() > 2 * s.above.size() + 64) {
    std::erase_if(s.arrivals, [&](const auto& a) { return a.second <= s.floor; });
  }
}

void DuplicateFilter::absorb(Sender& s) {
  while (!s.above.empty() && *s.above.begin() == s.floor + 1) {
    ++s.floor;
    s.above.erase(s.above.begin());
  }
}

}  // namespace mosaic
