// C++ functions the test overlay scoring.moz calls (mozc --functions=scoring.hpp).
// Implemented in scoring.cpp, except the template, which C++ needs here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mosaic/addr.hpp"
#include "mosaic/id.hpp"

namespace scoring {

int64_t f_letterSum(const std::string& word);               // the sum of its bytes
std::string f_label(const std::string& word, int64_t sum);  // "word:sum"
bool f_isEven(int64_t n);
mosaic::Id f_idOf(int64_t n);
double f_mean(const std::vector<int64_t>& values);          // 0 for an empty list
int64_t f_portOf(const mosaic::Addr& a);                    // 0 unless an IP address

template <class T>
T f_second(const std::vector<T>& list) {
  return list.size() > 1 ? list[1] : T{};
}

}  // namespace scoring

double f_half(double x);  // the global namespace works too
