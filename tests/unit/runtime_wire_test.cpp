#include <doctest/doctest.h>

#include <random>
#include <string>

#include "reliable/wire.hpp"

using namespace mosaic;

TEST_CASE("wire: frames of every kind decode to what was encoded") {
  std::string data = encode_frame(FrameKind::Reliable, 0x1122334455667788ULL, 42, "payload");
  CHECK(data.size() == kFrameHeaderSize + 7);
  CHECK(data.substr(0, 4) == std::string("MZ\x01\x01", 4));
  auto f = decode_frame(data);
  REQUIRE(f);
  CHECK(f->kind == FrameKind::Reliable);
  CHECK(f->incarnation == 0x1122334455667788ULL);
  CHECK(f->seq == 42);
  CHECK(f->payload == "payload");

  auto be = decode_frame(encode_frame(FrameKind::BestEffort, 1, 0, std::string(3, '\0')));
  REQUIRE(be);
  CHECK(be->kind == FrameKind::BestEffort);
  CHECK(be->payload.size() == 3);

  std::string ack_bytes = encode_frame(FrameKind::Ack, 7, UINT64_MAX);
  CHECK(ack_bytes.size() == kFrameHeaderSize);
  auto ack = decode_frame(ack_bytes);
  REQUIRE(ack);
  CHECK(ack->kind == FrameKind::Ack);
  CHECK(ack->seq == UINT64_MAX);
  CHECK(ack->payload.empty());
}

TEST_CASE("wire: the largest datagram decodes") {
  std::string payload(kMaxDatagram - kFrameHeaderSize, 'x');
  auto f = decode_frame(encode_frame(FrameKind::Reliable, 1, 1, payload));
  REQUIRE(f);
  CHECK(f->payload.size() == payload.size());
}

TEST_CASE("wire: every truncated header is rejected") {
  std::string ack = encode_frame(FrameKind::Ack, 7, 9);
  for (size_t n = 0; n < ack.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(decode_frame(ack.substr(0, n)));
  }
  std::string data = encode_frame(FrameKind::Reliable, 7, 9, "p");
  CHECK_FALSE(decode_frame(data.substr(0, kFrameHeaderSize)));  // data without payload
}

TEST_CASE("wire: corrupted magic, version and kind are rejected") {
  std::string good = encode_frame(FrameKind::Reliable, 7, 9, "p");
  for (size_t at : {size_t{0}, size_t{1}, size_t{2}}) {
    std::string bad = good;
    bad[at] ^= 0x40;
    CAPTURE(at);
    CHECK_FALSE(decode_frame(bad));
  }
  for (int version : {0, 2, 255}) {
    std::string bad = good;
    bad[2] = static_cast<char>(version);
    CHECK_FALSE(decode_frame(bad));
  }
  for (int kind : {0, 4, 128, 255}) {
    std::string bad = good;
    bad[3] = static_cast<char>(kind);
    CHECK_FALSE(decode_frame(bad));
  }
}

TEST_CASE("wire: an ack with a payload and data without one are rejected") {
  std::string ack = encode_frame(FrameKind::Ack, 7, 9) + "x";
  CHECK_FALSE(decode_frame(ack));
  CHECK_FALSE(decode_frame(encode_frame(FrameKind::Reliable, 7, 9)));
  CHECK_FALSE(decode_frame(encode_frame(FrameKind::BestEffort, 7, 9)));
}

TEST_CASE("wire: random bytes never decode into a frame that breaks the rules") {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (i % 2) bytes.replace(0, std::min<size_t>(3, bytes.size()), std::string("MZ\x01", 3).substr(0, std::min<size_t>(3, bytes.size())));
    auto f = decode_frame(bytes);
    if (!f) continue;
    CHECK(bytes.size() >= kFrameHeaderSize);
    CHECK((f->kind == FrameKind::Ack) == f->payload.empty());
  }
}
