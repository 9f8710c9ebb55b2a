#include "duplicate_filter.hpp"

namespace mosaic {

bool DuplicateFilter::first_time(const Addr& from, uint64_t incarnation, uint64_t seq) {
  auto [it, fresh] = senders_.try_emplace(from);
  Sender& s = it->second;
  if (fresh || s.incarnation != incarnation) s = Sender{incarnation, 0, {}};
  if (seq <= s.floor || !s.above.insert(seq).second) return false;
  advance_floor(s);
  return true;
}

void DuplicateFilter::advance_floor(Sender& s) {
  while (!s.above.empty() && (*s.above.begin() == s.floor + 1 || s.above.size() > max_above_floor_)) {
    s.floor = *s.above.begin();
    s.above.erase(s.above.begin());
  }
}

}  // namespace mosaic
