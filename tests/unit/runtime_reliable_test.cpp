#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "reliable/duplicate_filter.hpp"
#include "reliable/reliable_channel.hpp"
#include "reliable/retransmit_queue.hpp"
#include "reliable/wire.hpp"

using namespace mosaic;

namespace {

const Addr kA = Addr::ip(0x7f000001u, 9001);
const Addr kB = Addr::ip(0x7f000001u, 9002);
const Addr kC = Addr::ip(0x7f000001u, 9003);

// Runs the queue at each due time until nothing is left; returns the retransmission times.
std::vector<double> drain(RetransmitQueue& q, double& now) {
  std::vector<double> times;
  while (auto due = q.next_due()) {
    now = *due;
    q.poll(now, [&](const Addr&, const std::string&) { times.push_back(now); });
  }
  return times;
}

}  // namespace

TEST_CASE("RetransmitQueue backs off exponentially up to the cap, then gives up after retry_for") {
  RetransmitQueue q(RetransmitPolicy{});
  q.add(kB, 1, "frame", 0);
  CHECK(q.outstanding() == 1);
  q.poll(0.19, [](const Addr&, const std::string&) { FAIL("too early"); });
  double now = 0;
  std::vector<double> times = drain(q, now);
  std::vector<double> expected = {0.2, 0.6, 1.4, 3.0};
  for (double t = 5.0; t < 30; t += 2.0) expected.push_back(t);
  REQUIRE(times.size() == expected.size());
  for (size_t i = 0; i < times.size(); ++i) CHECK(times[i] == doctest::Approx(expected[i]));
  CHECK(now == doctest::Approx(30.0));  // given up at the deadline, not at the next retry
  CHECK(q.outstanding() == 0);
  CHECK(q.gave_up() == 1);
  CHECK(q.retransmits() == expected.size());
}

TEST_CASE("RetransmitQueue honours a shorter retry time and retransmits the frame unchanged") {
  RetransmitQueue q(RetransmitPolicy{0.2, 2.0, 1.0});
  q.add(kB, 1, "frame-1", 0);
  std::vector<std::string> sent;
  double now = 0;
  while (auto due = q.next_due()) {
    now = *due;
    q.poll(now, [&](const Addr& to, const std::string& f) {
      CHECK(to == kB);
      sent.push_back(f);
    });
  }
  CHECK(sent == std::vector<std::string>{"frame-1", "frame-1"});  // at 0.2 and 0.6
  CHECK(now == doctest::Approx(1.0));
  CHECK(q.gave_up() == 1);
}

TEST_CASE("RetransmitQueue: an ack stops retransmission of that message only") {
  RetransmitQueue q(RetransmitPolicy{});
  q.add(kB, 1, "b1", 0);
  q.add(kB, 2, "b2", 0);
  q.add(kC, 1, "c1", 0);
  CHECK(q.acknowledge(kB, 1));
  CHECK_FALSE(q.acknowledge(kB, 1));  // already gone
  CHECK_FALSE(q.acknowledge(kA, 2));  // nothing to A
  CHECK(q.outstanding() == 2);
  std::vector<std::string> sent;
  q.poll(0.2, [&](const Addr&, const std::string& f) { sent.push_back(f); });
  std::sort(sent.begin(), sent.end());
  CHECK(sent == std::vector<std::string>{"b2", "c1"});
  CHECK(q.acknowledge(kC, 1));
  CHECK(q.acknowledge(kB, 2));
  CHECK(q.outstanding() == 0);
  CHECK_FALSE(q.next_due());
  CHECK(q.gave_up() == 0);
}

TEST_CASE("RetransmitQueue polled coarsely still retransmits each message once per poll") {
  RetransmitQueue q(RetransmitPolicy{});
  q.add(kB, 1, "b1", 0);
  int sends = 0;
  q.poll(10, [&](const Addr&, const std::string&) { ++sends; });  // a long stall
  CHECK(sends == 1);
  REQUIRE(q.next_due());
  CHECK(*q.next_due() == doctest::Approx(10.4));
}

using Verdict = DuplicateFilter::Verdict;

TEST_CASE("DuplicateFilter delivers each seq once, in any order") {
  DuplicateFilter f({});
  CHECK(f.check(kA, 1, 3, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 1, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 3, 0) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 2, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 1, 0) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 2, 0) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 4, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 0, 0) == Verdict::Duplicate);  // senders never use 0
  // Another sender has its own numbering.
  CHECK(f.check(kB, 1, 1, 0) == Verdict::New);
  CHECK(f.senders() == 2);
}

TEST_CASE("DuplicateFilter: a new incarnation of a sender starts afresh") {
  DuplicateFilter f({});
  CHECK(f.check(kA, 111, 1, 0) == Verdict::New);
  CHECK(f.check(kA, 111, 2, 0) == Verdict::New);
  CHECK(f.check(kA, 111, 1, 0) == Verdict::Duplicate);
  CHECK(f.check(kA, 222, 1, 0) == Verdict::New);  // restarted: numbering from 1 again
  CHECK(f.check(kA, 222, 2, 0) == Verdict::New);
  CHECK(f.check(kA, 222, 2, 0) == Verdict::Duplicate);
}

TEST_CASE("DuplicateFilter: a full window refuses new seqs but never calls them duplicates") {
  DuplicateFilter f({4, 30});
  for (uint64_t seq = 2; seq <= 5; ++seq) CHECK(f.check(kA, 1, seq, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 6, 0) == Verdict::NoRoom);  // four wait above the gap at 1
  CHECK(f.check(kA, 1, 5, 0) == Verdict::Duplicate);  // what it holds it still recognizes
  CHECK(f.check(kA, 1, 9, 0) == Verdict::NoRoom);
  CHECK(f.check(kA, 1, 1, 1) == Verdict::New);       // the gap fills: 1..5 are now below the floor
  CHECK(f.check(kA, 1, 6, 1) == Verdict::New);       // room again
  CHECK(f.check(kA, 1, 9, 1) == Verdict::New);
  for (uint64_t seq = 1; seq <= 6; ++seq) CHECK(f.check(kA, 1, seq, 1) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 100000, 1) == Verdict::New);
  CHECK(f.check(kA, 1, 9, 1) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 100000, 1) == Verdict::Duplicate);
}

TEST_CASE("DuplicateFilter: gap fillers get extra room, up to twice the limit") {
  DuplicateFilter f({2, 30});
  CHECK(f.check(kA, 1, 10, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 20, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 21, 0) == Verdict::NoRoom);
  CHECK(f.check(kA, 1, 5, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 15, 0) == Verdict::New);
  CHECK(f.check(kA, 1, 16, 0) == Verdict::NoRoom);  // four held: twice the limit
  CHECK(f.check(kA, 1, 1, 0) == Verdict::New);      // the next in order always fits
}

TEST_CASE("DuplicateFilter gives up a gap only when the sender must have given it up") {
  DuplicateFilter f({4, 30});
  CHECK(f.check(kA, 1, 3, 10) == Verdict::New);  // 1 and 2 missing
  for (uint64_t seq = 4; seq <= 6; ++seq) CHECK(f.check(kA, 1, seq, 20) == Verdict::New);
  CHECK(f.check(kA, 1, 7, 39.9) == Verdict::NoRoom);
  CHECK(f.check(kA, 1, 2, 39.9) == Verdict::New);  // still in time
  // At 40 the arrival of 3 is 30 s old: seq 1 is dead, the floor moves to 3.
  CHECK(f.check(kA, 1, 7, 40) == Verdict::New);
  CHECK(f.check(kA, 1, 1, 40) == Verdict::Duplicate);
  CHECK(f.check(kA, 1, 8, 40) == Verdict::New);
  for (uint64_t seq = 9; seq <= 12; ++seq) CHECK(f.check(kA, 1, seq, 40) == Verdict::New);  // in order: no room needed
}

TEST_CASE("DuplicateFilter: many out-of-order arrivals keep working") {
  DuplicateFilter f({64, 30});
  std::mt19937_64 rng(3);
  std::vector<uint64_t> seqs;
  for (uint64_t s = 1; s <= 5000; ++s) seqs.push_back(s);
  // Local shuffles only, as a network reorders.
  for (size_t i = 0; i + 8 < seqs.size(); i += 8) std::shuffle(seqs.begin() + i, seqs.begin() + i + 8, rng);
  for (uint64_t s : seqs) CHECK(f.check(kA, 1, s, 0) == Verdict::New);
  for (uint64_t s : seqs) CHECK(f.check(kA, 1, s, 1) == Verdict::Duplicate);
}

namespace {
// Collects what a channel transmits.
struct Wire {
  std::vector<std::pair<Addr, std::string>> sent;
  ReliableChannel::Transmit transmit() {
    return [this](const Addr& to, const std::string& frame) { sent.emplace_back(to, frame); };
  }
  Frame frame(size_t i) const { return *decode_frame(sent.at(i).second); }
};
Frame ack(uint64_t incarnation, uint64_t seq) {
  static std::string bytes;
  bytes = encode_frame(FrameKind::Ack, incarnation, seq);
  return *decode_frame(bytes);
}
}  // namespace

TEST_CASE("ReliableChannel numbers messages per destination and tracks them until acked") {
  ReliableChannel ch(77, {});
  Wire w;
  ch.send_reliable(kB, "m1", 0, w.transmit());
  ch.send_reliable(kB, "m2", 0, w.transmit());
  ch.send_reliable(kC, "m3", 0, w.transmit());
  REQUIRE(w.sent.size() == 3);
  CHECK(w.sent[0].first == kB);
  CHECK(w.frame(0).seq == 1);
  CHECK(w.frame(1).seq == 2);
  CHECK(w.frame(2).seq == 1);
  CHECK(w.sent[2].first == kC);
  CHECK(w.frame(0).incarnation == 77);
  CHECK(w.frame(0).kind == FrameKind::Reliable);
  CHECK(w.frame(1).payload == "m2");
  CHECK(ch.outstanding() == 3);

  ch.on_ack(kB, ack(78, 1), 0, w.transmit());  // for another incarnation of this node: ignored
  CHECK(ch.outstanding() == 3);
  ch.on_ack(kA, ack(77, 1), 0, w.transmit());  // from the wrong peer: clears nothing
  CHECK(ch.outstanding() == 3);
  ch.on_ack(kB, ack(77, 1), 0, w.transmit());
  CHECK(ch.outstanding() == 2);
  ch.on_ack(kB, ack(77, 1), 0, w.transmit());  // again: nothing more
  CHECK(ch.outstanding() == 2);

  auto be = decode_frame(ch.best_effort_frame("x"));
  REQUIRE(be);
  CHECK(be->kind == FrameKind::BestEffort);
  CHECK(ch.outstanding() == 2);  // best effort is not tracked
  CHECK(w.sent.size() == 3);
}

TEST_CASE("ReliableChannel keeps at most `window` frames in flight per destination") {
  ReliableChannel::Config config;
  config.window = 2;
  ReliableChannel ch(1, config);
  Wire w;
  for (int i = 1; i <= 5; ++i) ch.send_reliable(kB, "b" + std::to_string(i), 0, w.transmit());
  ch.send_reliable(kC, "c1", 0, w.transmit());  // another destination has its own window
  REQUIRE(w.sent.size() == 3);
  CHECK(w.frame(2).payload == "c1");
  CHECK(ch.outstanding() == 6);

  ch.on_ack(kB, ack(1, 2), 0.1, w.transmit());  // one slot frees: the next waiting goes, in order
  REQUIRE(w.sent.size() == 4);
  CHECK(w.frame(3).seq == 3);
  CHECK(w.frame(3).payload == "b3");
  CHECK(ch.outstanding() == 5);

  // Retransmission covers the frames in flight only.
  w.sent.clear();
  ch.poll(0.2, w.transmit());
  std::vector<std::string> again;
  for (size_t i = 0; i < w.sent.size(); ++i) again.push_back(std::string(w.frame(i).payload));
  std::sort(again.begin(), again.end());
  CHECK(again == std::vector<std::string>{"b1", "c1"});  // b3 went out at 0.1, due at 0.3
}

TEST_CASE("ReliableChannel: giving up a message gives up what waits behind it") {
  ReliableChannel::Config config;
  config.window = 1;
  config.retransmit.retry_for = 1;
  ReliableChannel ch(1, config);
  Wire w;
  for (int i = 1; i <= 4; ++i) ch.send_reliable(kB, "b", 0, w.transmit());
  ch.send_reliable(kC, "c", 0.5, w.transmit());
  CHECK(ch.outstanding() == 5);
  ch.poll(1.0, w.transmit());
  CHECK(ch.gave_up() == 4);
  CHECK(ch.outstanding() == 1);
  ch.on_ack(kC, ack(1, 1), 1.0, w.transmit());
  CHECK(ch.outstanding() == 0);
  // The destination is usable again afterwards.
  w.sent.clear();
  ch.send_reliable(kB, "later", 2, w.transmit());
  REQUIRE(w.sent.size() == 1);
  CHECK(w.frame(0).seq == 5);
}

TEST_CASE("ReliableChannel acks every reliable frame and delivers it once") {
  ReliableChannel receiver(5, {});
  std::string bytes = encode_frame(FrameKind::Reliable, 99, 1, "hello");
  auto first = receiver.on_reliable(kA, *decode_frame(bytes), 0);
  auto again = receiver.on_reliable(kA, *decode_frame(bytes), 0);
  CHECK(first.deliver);
  CHECK_FALSE(again.deliver);
  CHECK(receiver.duplicates() == 1);
  for (const auto& receipt : {first, again}) {
    auto ack = decode_frame(receipt.ack);
    REQUIRE(ack);
    CHECK(ack->kind == FrameKind::Ack);
    CHECK(ack->incarnation == 99);  // echoes the sender's incarnation
    CHECK(ack->seq == 1);
  }
  // The same seq from a restarted sender is new.
  CHECK(receiver.on_reliable(kA, *decode_frame(encode_frame(FrameKind::Reliable, 100, 1, "hello")), 0).deliver);
}

TEST_CASE("ReliableChannel neither acks nor delivers a frame it has no room for") {
  ReliableChannel::Config config;
  config.duplicates.max_above_floor = 1;
  ReliableChannel receiver(5, config);
  CHECK(receiver.on_reliable(kA, *decode_frame(encode_frame(FrameKind::Reliable, 9, 2, "two")), 0).deliver);
  auto refused = receiver.on_reliable(kA, *decode_frame(encode_frame(FrameKind::Reliable, 9, 3, "three")), 0);
  CHECK_FALSE(refused.deliver);
  CHECK(refused.ack.empty());
  CHECK(receiver.refused() == 1);
  CHECK(receiver.duplicates() == 0);
}

TEST_CASE("ReliableChannel delivers everything exactly once over a lossy, reordering network") {
  struct Packet {
    double at;
    Addr from, to;
    std::string bytes;
  };
  std::mt19937_64 rng(1);  // deterministic; with 30% loss each way a give-up is possible but rare
  std::bernoulli_distribution lose(0.3);
  std::uniform_real_distribution<double> delay(0.001, 0.15);
  std::multimap<double, Packet> network;
  std::map<Addr, ReliableChannel> nodes;
  ReliableChannel::Config small_window;
  small_window.window = 16;
  nodes.emplace(kA, ReliableChannel(1, small_window));
  nodes.emplace(kB, ReliableChannel(2, {}));
  double now = 0;
  auto transmit = [&](const Addr& from, const Addr& to, const std::string& bytes) {
    if (lose(rng)) return;
    double at = now + delay(rng);
    network.emplace(at, Packet{at, from, to, bytes});
  };
  std::map<std::string, int> delivered;
  auto from = [&](const Addr& self) {
    return [&, self](const Addr& to, const std::string& bytes) { transmit(self, to, bytes); };
  };
  for (int i = 0; i < 200; ++i) nodes.at(kA).send_reliable(kB, "m" + std::to_string(i), now, from(kA));

  while (now < 60 && (nodes.at(kA).outstanding() > 0 || !network.empty())) {
    now += 0.01;
    while (!network.empty() && network.begin()->first <= now) {
      Packet p = network.begin()->second;
      network.erase(network.begin());
      ReliableChannel& at = nodes.at(p.to);
      auto frame = decode_frame(p.bytes);
      REQUIRE(frame);
      if (frame->kind == FrameKind::Ack) {
        at.on_ack(p.from, *frame, now, from(p.to));
      } else {
        auto receipt = at.on_reliable(p.from, *frame, now);
        if (!receipt.ack.empty()) transmit(p.to, p.from, receipt.ack);
        if (receipt.deliver) ++delivered[std::string(frame->payload)];
      }
    }
    for (auto& [addr, ch] : nodes) ch.poll(now, from(addr));
  }
  CHECK(nodes.at(kA).outstanding() == 0);
  CHECK(nodes.at(kA).gave_up() == 0);
  CHECK(nodes.at(kA).retransmits() > 0);
  CHECK(nodes.at(kB).duplicates() > 0);  // lost acks cause retransmissions of delivered messages
  REQUIRE(delivered.size() == 200);
  for (const auto& [message, count] : delivered) CHECK(count == 1);
}
