// Accumulator for head aggregates (min, max, count, sum, avg). Generated
// strands feed it the values of one group and read the result they need.
#pragma once

#include <cstdint>
#include <type_traits>

namespace mosaic {

template <class T>
class Acc {
 public:
  void add(const T& x) {
    if (n_ == 0 || x < lo_) lo_ = x;
    if (n_ == 0 || hi_ < x) hi_ = x;
    if constexpr (std::is_integral_v<T>) {
      sum_ = static_cast<T>(static_cast<uint64_t>(sum_) + static_cast<uint64_t>(x));  // wraps, never traps
      fsum_ += static_cast<double>(x);
    } else if constexpr (std::is_arithmetic_v<T>) {
      sum_ = sum_ + x;
      fsum_ += static_cast<double>(x);
    }
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
  double fsum_ = 0;
};

}  // namespace mosaic
