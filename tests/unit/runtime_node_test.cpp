// node_main end to end, in-process, with a tiny hand-written Program: the
// command line, facts loading, dumps, stats, timers, and reliable delivery
// between two nodes over loopback with datagrams dropped on purpose.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mosaic/program.hpp"
#include "reliable/wire.hpp"
#include "runtime_test_values.hpp"

using namespace mosaic;

namespace {

// Facts: note(Int) is stored; send(Addr, N[, BestEffort]) sends num(0..N-1) to Addr;
// drop(unroutable | malformed | call) reports a tuple dropped (or a CView call refused) for that reason.
// Messages: num(Int); every one received is stored in `got`.
class Relay final : public Program {
 public:
  const char* name() const override { return "relay"; }
  std::vector<PeriodicSpec> periodics() const override { return {{0.05, 3}}; }
  void fire_periodic(size_t, int64_t event_id) override { ticks_.push_back(event_id); }
  void start() override {}

  std::string insert_fact(const std::string& predicate, const std::vector<Value>& args) override {
    if (predicate == "note") {
      int64_t n;
      if (args.size() != 1 || !convert(args[0], n)) return "note expects (int)";
      notes_.push_back(n);
      return "";
    }
    if (predicate == "send") {
      Addr dest;
      int64_t count;
      bool best_effort = false;
      if (args.size() < 2 || !convert(args[0], dest) || !convert(args[1], count) ||
          (args.size() == 3 && !convert(args[2], best_effort))) {
        return "send expects (addr, int[, bool])";
      }
      for (int64_t i = 0; i < count; ++i) rt_->send(dest, message(i), best_effort);
      return "";
    }
    if (predicate == "drop") {
      std::string why;
      if (args.size() != 1 || !convert(args[0], why)) return "drop expects (string)";
      rt_->dropped(why == "unroutable" ? Drop::Unroutable : why == "call" ? Drop::CallRejected : Drop::MalformedPacket,
                   "for the test");
      return "";
    }
    return "unknown predicate '" + predicate + "'";
  }

  static std::string message(int64_t i) { return testing::num_message(i); }

  bool receive(std::string_view bytes) override {
    int64_t i;
    if (!testing::read_num(bytes, i)) return false;
    inbox_.push_back(i);
    return true;
  }

  bool run(size_t budget) override {
    for (; budget > 0 && !inbox_.empty(); --budget) {
      got_.push_back(inbox_.back());
      inbox_.pop_back();
      ++derivations_;
    }
    return !inbox_.empty();
  }

  void expire() override {}

  void dump(JsonSink& sink) const override {
    table(sink, "got", got_);
    table(sink, "notes", notes_);
    table(sink, "ticks", ticks_);
  }

 private:
  static void table(JsonSink& sink, std::string_view name, const std::vector<int64_t>& rows) {
    sink.begin_table(name);
    for (int64_t v : rows) {
      sink.begin_row();
      sink.number(v);
      sink.end_row();
    }
    sink.end_table();
  }

  std::vector<int64_t> inbox_, got_, notes_, ticks_;
};

int run_node(std::vector<std::string> args, std::unique_ptr<Program> program = std::make_unique<Relay>()) {
  args.insert(args.begin(), "relay");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return node_main(static_cast<int>(argv.size()), argv.data(), std::move(program));
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The value of a counter in a --stats file.
double stat(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\": ");
  if (at == std::string::npos) return -1;
  return std::stod(json.substr(at + key.size() + 4));
}

size_t rows_of(const std::string& dump, const std::string& table) {
  size_t begin = dump.find("\"" + table + "\": [");
  if (begin == std::string::npos) return 0;
  size_t end = dump.find(']', dump.find('[', begin) + 1);
  if (dump.compare(end - 1, 1, "[") == 0) return 0;
  size_t rows = 0;
  for (size_t i = dump.find('[', begin) + 1; i < dump.find("]\n", begin); ++i) rows += dump[i] == '[';
  return rows;
}

// Ports for this test process, apart from other runs of it.
int port(int i) { return 20000 + static_cast<int>(getpid() % 2000) * 10 + i; }
std::string addr(int i) { return "127.0.0.1:" + std::to_string(port(i)); }
std::string tmp(const std::string& name) { return "runtime_node_test." + std::to_string(getpid()) + "." + name; }

void send_udp(int to_port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(to_port));
  sa.sin_addr.s_addr = htonl(0x7f000001u);
  sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  close(fd);
}

}  // namespace

TEST_CASE("node_main: a wrong command line exits 2, --help exits 0") {
  CHECK(run_node({}) == 2);
  CHECK(run_node({"--addr", "nowhere"}) == 2);
  CHECK(run_node({"--addr", addr(0), "--drop-rate", "2"}) == 2);
  CHECK(run_node({"--help"}) == 0);
}

TEST_CASE("node_main: an address it cannot bind exits 1") {
  CHECK(run_node({"--addr", "192.0.2.1:9001", "--run-for", "0"}) == 1);
}

TEST_CASE("node_main: loads facts, stops when idle, writes sorted dumps and stats") {
  std::string facts = tmp("facts"), dump = tmp("dump.json"), stats = tmp("stats.json");
  write(facts, "note(2). note(10).\n// comment\nnote(-3).\n");
  CHECK(run_node({"--addr", addr(0), "--facts", facts, "--dump", dump, "--stats", stats, "--until-idle"}) == 0);
  std::string d = read(dump);
  CHECK(d.find("\"notes\": [\n    [-3],\n    [10],\n    [2]\n  ]") != std::string::npos);
  CHECK(d.find("\"got\": []") != std::string::npos);
  std::string s = read(stats);
  CHECK(s.find("\"addr\": \"" + addr(0) + "\"") != std::string::npos);
  CHECK(stat(s, "outstanding") == 0);
  CHECK(stat(s, "uptime_s") < 5);
  for (const auto& f : {facts, dump, stats}) std::remove(f.c_str());
}

TEST_CASE("node_main: tuples the program drops are counted as unroutable, malformed or refused calls") {
  std::string facts = tmp("drop.facts"), stats = tmp("drop.stats.json");
  write(facts, "drop(\"unroutable\"). drop(\"malformed\"). drop(\"unroutable\"). drop(\"call\"). drop(\"call\"). drop(\"call\").\n");
  CHECK(run_node({"--addr", addr(0), "--facts", facts, "--stats", stats, "--until-idle"}) == 0);
  std::string s = read(stats);
  CHECK(stat(s, "unroutable") == 2);
  CHECK(stat(s, "malformed") == 1);
  CHECK(stat(s, "calls_rejected") == 3);
  for (const auto& f : {facts, stats}) std::remove(f.c_str());
}

TEST_CASE("node_main: bad facts exit 1") {
  std::string facts = tmp("bad.facts");
  write(facts, "note(1).\nnote(\"x\").\n");
  CHECK(run_node({"--addr", addr(0), "--facts", facts, "--run-for", "5"}) == 1);  // rejected by the program
  write(facts, "note(1).\nnote(1\n");
  CHECK(run_node({"--addr", addr(0), "--facts", facts, "--run-for", "5"}) == 1);  // a syntax error
  CHECK(run_node({"--addr", addr(0), "--facts", tmp("missing.facts"), "--run-for", "5"}) == 1);
  std::remove(facts.c_str());
}

TEST_CASE("node_main: periodic timers fire `count` times with distinct event ids") {
  std::string dump = tmp("ticks.json");
  CHECK(run_node({"--addr", addr(0), "--run-for", "0.4", "--dump", dump}) == 0);
  std::string d = read(dump);
  CHECK(rows_of(d, "ticks") == 3);
  CHECK(d.find("\"ticks\": [\n    [1],\n    [2],\n    [3]\n  ]") != std::string::npos);
  std::remove(dump.c_str());
}

TEST_CASE("node_main: malformed datagrams of any size are counted and dropped") {
  std::string dump = tmp("malformed.json"), stats = tmp("malformed.stats.json");
  std::thread node([&] { CHECK(run_node({"--addr", addr(1), "--run-for", "0.6", "--dump", dump, "--stats", stats}) == 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  send_udp(port(1), "hello");
  send_udp(port(1), std::string(kMaxDatagram, '\xff'));
  send_udp(port(1), encode_frame(FrameKind::BestEffort, 1, 0, "not a tuple"));
  send_udp(port(1), encode_frame(FrameKind::Ack, 1, 5));  // an ack for nothing: harmless
  send_udp(port(1), encode_frame(FrameKind::BestEffort, 1, 0, Relay::message(42)));
  node.join();
  std::string s = read(stats);
  CHECK(stat(s, "received") == 5);
  CHECK(stat(s, "malformed") == 3);
  // Per predicate, only the tuple message the program decoded.
  CHECK(s.find("\"messages\": {\n    \"num\": {\n      \"sent\": 0,\n      \"received\": 1\n    }\n  }") !=
        std::string::npos);
  CHECK(read(dump).find("\"got\": [\n    [42]\n  ]") != std::string::npos);
  std::remove(dump.c_str());
  std::remove(stats.c_str());
}

TEST_CASE("node_main: reliable delivery between two nodes despite dropped datagrams; SIGUSR1 and SIGTERM") {
  std::string facts = tmp("send.facts"), dump_b = tmp("b.json"), stats_b = tmp("b.stats.json"),
              stats_a = tmp("a.stats.json");
  write(facts, "send(\"" + addr(3) + "\", 300).\n");
  std::thread b([&] {
    CHECK(run_node({"--addr", addr(3), "--run-for", "60", "--dump", dump_b, "--stats", stats_b, "--drop-rate", "0.1",
                    "--seed", "7"}) == 0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::thread a([&] {
    CHECK(run_node({"--addr", addr(2), "--facts", facts, "--until-idle", "--stats", stats_a, "--drop-rate", "0.1",
                    "--seed", "8"}) == 0);
  });
  a.join();
  std::raise(SIGUSR1);  // b writes its files now, while it runs on
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(stat(read(stats_b), "uptime_s") > 0);
  std::raise(SIGTERM);  // only b is listening now: it stops cleanly and writes its files again
  b.join();

  std::string sa = read(stats_a), sb = read(stats_b);
  CHECK(stat(sa, "outstanding") == 0);
  CHECK(stat(sa, "gave_up") == 0);
  CHECK(stat(sa, "retransmits") > 0);
  CHECK(stat(sa, "filtered") > 0);
  CHECK(stat(sb, "filtered") > 0);
  CHECK(stat(sb, "derivations") == 300);  // each message delivered once
  // Per predicate: each message counted once, whatever retransmissions and acks it took.
  CHECK(sa.find("\"num\": {\n      \"sent\": 300,\n      \"received\": 0\n    }") != std::string::npos);
  CHECK(sb.find("\"num\": {\n      \"sent\": 0,\n      \"received\": 300\n    }") != std::string::npos);
  CHECK(rows_of(read(dump_b), "got") == 300);
  for (const auto& f : {facts, dump_b, stats_b, stats_a}) std::remove(f.c_str());
}
