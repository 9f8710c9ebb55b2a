// 160-bit unsigned identifiers (Mozlog type `id`): Chord-style ring ids.
// Arithmetic wraps modulo 2^160; the literal form is `0x1fI`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mosaic {

class Id {
 public:
  static constexpr int kBits = 160;
  static constexpr int kWords = 5;  // 32-bit words, most significant first

  Id() = default;
  // Wraps negative values modulo 2^160 (so Id(-1) is the largest id).
  static Id from_int(int64_t v);
  // Parses hex digits, with or without the `0x` prefix and `I` suffix.
  static std::optional<Id> from_hex(std::string_view text);
  // The first 20 bytes of `bytes`, big-endian (e.g. a SHA-1 digest).
  static Id from_bytes(const unsigned char* bytes20);
  void to_bytes(unsigned char* out20) const;

  std::string to_string() const;  // literal form, e.g. "0x1fI"

  Id operator+(const Id& o) const;
  Id operator-(const Id& o) const;
  Id operator<<(int64_t n) const;
  Id operator>>(int64_t n) const;
  friend bool operator==(const Id&, const Id&) = default;
  friend auto operator<=>(const Id& a, const Id& b) { return a.w_ <=> b.w_; }

  size_t hash() const;
  const std::array<uint32_t, kWords>& words() const { return w_; }

 private:
  std::array<uint32_t, kWords> w_{};
};

}  // namespace mosaic
