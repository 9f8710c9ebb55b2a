#include "mosaic/builtins.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>

#include "process_rng.hpp"

namespace mosaic::builtins {

double f_now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

int64_t f_rand() { return static_cast<int64_t>(process_rng()() >> 1); }

double f_drand() {
  // 53 random bits fill a double's mantissa exactly, so 1.0 is never returned.
  return static_cast<double>(process_rng()() >> 11) * 0x1.0p-53;
}

Id f_randID() {
  unsigned char bytes[20];
  for (int i = 0; i < 20; i += 4) {
    uint64_t r = process_rng()();
    for (int j = 0; j < 4; ++j) bytes[i + j] = static_cast<unsigned char>(r >> (8 * j));
  }
  return Id::from_bytes(bytes);
}

bool f_coinFlip(double p) { return f_drand() < p; }

Id sha1_of(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr) != 1 || length != 20) {
    throw std::runtime_error("SHA-1 is not available from OpenSSL");
  }
  return Id::from_bytes(digest);
}

}  // namespace mosaic::builtins
