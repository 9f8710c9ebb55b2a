#include "mosaic/id.hpp"

#include "mosaic/hash.hpp"

namespace mosaic {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Id Id::from_int(int64_t v) {
  Id id;
  // Sign extension is what makes a negative value wrap modulo 2^160.
  uint32_t fill = v < 0 ? 0xffffffffu : 0;
  for (int i = 0; i < kWords - 2; ++i) id.w_[i] = fill;
  id.w_[kWords - 2] = static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32);
  id.w_[kWords - 1] = static_cast<uint32_t>(static_cast<uint64_t>(v));
  return id;
}

std::optional<Id> Id::from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  if (!text.empty() && text.back() == 'I') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  size_t first = text.find_first_not_of('0');
  std::string_view significant = first == std::string_view::npos ? std::string_view() : text.substr(first);
  if (significant.size() > kBits / 4) return std::nullopt;
  Id id;
  for (char c : text) {
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    id = (id << 4) + from_int(d);
  }
  return id;
}

Id Id::from_bytes(const unsigned char* bytes20) {
  Id id;
  for (int i = 0; i < kWords; ++i) {
    const unsigned char* b = bytes20 + 4 * i;
    id.w_[i] = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
  }
  return id;
}

void Id::to_bytes(unsigned char* out20) const {
  for (int i = 0; i < kWords; ++i) {
    out20[4 * i] = static_cast<unsigned char>(w_[i] >> 24);
    out20[4 * i + 1] = static_cast<unsigned char>(w_[i] >> 16);
    out20[4 * i + 2] = static_cast<unsigned char>(w_[i] >> 8);
    out20[4 * i + 3] = static_cast<unsigned char>(w_[i]);
  }
}

std::string Id::to_string() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  char text[2 + kBits / 4 + 1];
  size_t n = 0;
  text[n++] = '0';
  text[n++] = 'x';
  for (uint32_t word : w_) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      char c = kDigits[(word >> shift) & 0xf];
      if (n == 2 && c == '0') continue;  // minimal digits
      text[n++] = c;
    }
  }
  if (n == 2) text[n++] = '0';
  text[n++] = 'I';
  return std::string(text, n);
}

Id Id::operator+(const Id& o) const {
  Id r;
  uint64_t carry = 0;
  for (int i = kWords - 1; i >= 0; --i) {
    uint64_t sum = uint64_t{w_[i]} + o.w_[i] + carry;
    r.w_[i] = static_cast<uint32_t>(sum);
    carry = sum >> 32;
  }
  return r;  // the final carry falls off: modulo 2^160
}

Id Id::operator-(const Id& o) const {
  Id r;
  int64_t borrow = 0;
  for (int i = kWords - 1; i >= 0; --i) {
    int64_t diff = int64_t{w_[i]} - o.w_[i] - borrow;
    borrow = diff < 0 ? 1 : 0;
    r.w_[i] = static_cast<uint32_t>(diff + (borrow << 32));
  }
  return r;
}

Id Id::operator<<(int64_t n) const {
  if (n <= 0) return *this;
  if (n >= kBits) return Id();
  int words = static_cast<int>(n / 32), bits = static_cast<int>(n % 32);
  Id r;
  for (int i = 0; i < kWords; ++i) {
    int src = i + words;
    if (src >= kWords) break;
    uint64_t v = uint64_t{w_[src]} << bits;
    if (bits && src + 1 < kWords) v |= w_[src + 1] >> (32 - bits);
    r.w_[i] = static_cast<uint32_t>(v);
  }
  return r;
}

Id Id::operator>>(int64_t n) const {
  if (n <= 0) return *this;
  if (n >= kBits) return Id();
  int words = static_cast<int>(n / 32), bits = static_cast<int>(n % 32);
  Id r;
  for (int i = kWords - 1; i >= 0; --i) {
    int src = i - words;
    if (src < 0) break;
    uint32_t v = w_[src] >> bits;
    if (bits && src - 1 >= 0) v |= w_[src - 1] << (32 - bits);
    r.w_[i] = v;
  }
  return r;
}

size_t Id::hash() const {
  size_t seed = 0;
  for (uint32_t word : w_) seed = hash_mix(seed, word);
  return seed;
}

}  // namespace mosaic
