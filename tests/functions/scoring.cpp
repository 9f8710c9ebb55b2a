#include "scoring.hpp"

namespace scoring {

int64_t f_letterSum(const std::string& word) {
  int64_t sum = 0;
  for (unsigned char c : word) sum += c;
  return sum;
}

std::string f_label(const std::string& word, int64_t sum) { return word + ":" + std::to_string(sum); }

bool f_isEven(int64_t n) { return n % 2 == 0; }

mosaic::Id f_idOf(int64_t n) { return mosaic::Id::from_int(n); }

double f_mean(const std::vector<int64_t>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (int64_t v : values) sum += static_cast<double>(v);
  return sum / static_cast<double>(values.size());
}

int64_t f_portOf(const mosaic::Addr& a) { return a.is_ip() ? a.port() : 0; }

}  // namespace scoring

double f_half(double x) { return x / 2; }
