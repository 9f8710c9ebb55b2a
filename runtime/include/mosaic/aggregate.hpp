// Accumulators for head aggregates (min, max, count, sum, avg). Generated
// strands feed them the values of one group and read the result they need.
#pragma once

#include <cstdint>
#include <map>
#include <type_traits>

namespace mosaic {

// Sums that wrap for integers (never trap) and add for floats.
template <class T>
T wrapping_add(const T& a, const T& b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  else return a + b;
}
template <class T>
T wrapping_sub(const T& a, const T& b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
  else return a - b;
}

// One pass over a group's values (an aggregate recomputed, or over one firing).
template <class T>
class Acc {
 public:
  void add(const T& x) {
    if (n_ == 0 || x < lo_) lo_ = x;
    if (n_ == 0 || hi_ < x) hi_ = x;
    if constexpr (std::is_arithmetic_v<T>) sum_ = wrapping_add(sum_, x), fsum_ += static_cast<double>(x);
    ++n_;
  }
  bool empty() const { return n_ == 0; }
  const T& min() const { return lo_; }
  const T& max() const { return hi_; }
  int64_t count() const { return n_; }
  T sum() const { return sum_; }
  double avg() const { return n_ ? fsum_ / static_cast<double>(n_) : 0.0; }

 private:
  int64_t n_ = 0;
  T lo_{}, hi_{}, sum_{};
  double fsum_ = 0;  // avg of integers without their sum's wrap-around
};

// The aggregate of one group of a table, kept up to date as rows come and go
// instead of recomputed: count, sum and avg in O(1) per row; min and max
// (Ordered) from the multiset of the group's values, in O(log n). A float sum
// kept this way can differ from a fresh one in its last bits.
template <class T, bool Ordered>
class RunningAcc {
 public:
  void add(const T& x) {
    if constexpr (Ordered) ++values_[x];
    if constexpr (std::is_arithmetic_v<T>) sum_ = wrapping_add(sum_, x), fsum_ += static_cast<double>(x);
    ++n_;
  }
  void remove(const T& x) {
    if constexpr (Ordered) {
      auto it = values_.find(x);
      if (it == values_.end()) return;  // never added: nothing to take back
      if (--it->second == 0) values_.erase(it);
    }
    if constexpr (std::is_arithmetic_v<T>) sum_ = wrapping_sub(sum_, x), fsum_ -= static_cast<double>(x);
    --n_;
  }
  bool empty() const { return n_ <= 0; }
  const T& min() const requires Ordered { return values_.begin()->first; }
  const T& max() const requires Ordered { return values_.rbegin()->first; }
  int64_t count() const { return n_; }
  T sum() const { return sum_; }
  double avg() const { return n_ ? fsum_ / static_cast<double>(n_) : 0.0; }

 private:
  int64_t n_ = 0;
  T sum_{};
  double fsum_ = 0;
  std::map<T, int64_t> values_;  // value -> how many rows have it (Ordered only)
};

}  // namespace mosaic
