// The control endpoint: request parsing and dispatch against a small
// hand-written Program (no sockets), then once end to end through node_main
// over a loopback TCP connection.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "control/control_protocol.hpp"
#include "dump/json_dump.hpp"
#include "mosaic/program.hpp"
#include "node/node_options.hpp"
#include "node/node_stats.hpp"

using namespace mosaic;

namespace {

// Facts: num(Int) is queued and stored in `nums` by run(); tag(String) is
// stored in `tags` at once; boom() makes dump() throw.
class Store final : public Program {
 public:
  const char* name() const override { return "store"; }
  std::vector<PeriodicSpec> periodics() const override { return {}; }
  void fire_periodic(size_t, int64_t) override {}
  void start() override {}

  std::string insert_fact(const std::string& predicate, const std::vector<Value>& args) override {
    if (predicate == "num") {
      int64_t n;
      if (args.size() != 1 || !convert(args[0], n)) return "expected num(int)";
      inbox_.push_back(n);
      return "";
    }
    if (predicate == "tag") {
      std::string s;
      if (args.size() != 1 || !convert(args[0], s)) return "expected tag(string)";
      tags_.push_back(s);
      return "";
    }
    if (predicate == "boom") {
      boom_ = true;
      return "";
    }
    return "unknown predicate '" + predicate + "'";
  }
  bool receive(std::string_view) override { return false; }
  bool run(size_t budget) override {
    for (; budget > 0 && !inbox_.empty(); --budget) {
      nums_.push_back(inbox_.front());
      inbox_.erase(inbox_.begin());
      ++derivations_;
    }
    return !inbox_.empty();
  }
  void expire() override {}
  void dump(JsonSink& sink) const override {
    if (boom_) throw std::runtime_error("dump failed");
    sink.begin_table("nums");
    for (int64_t v : nums_) {
      sink.begin_row();
      sink.number(v);
      sink.end_row();
    }
    sink.end_table();
    sink.begin_table("tags");
    for (const auto& s : tags_) {
      sink.begin_row();
      sink.string(s);
      sink.number(int64_t(s.size()));
      sink.end_row();
    }
    sink.end_table();
  }

  size_t queued() const { return inbox_.size(); }

 private:
  std::vector<int64_t> inbox_, nums_;
  std::vector<std::string> tags_;
  bool boom_ = false;
};

struct Fixture {
  Store program;
  int runs_requested = 0;
  ControlHandler handler{program,
                         [] {
                           NodeStats s;
                           s.addr = "127.0.0.1:9001";
                           s.received = 4;
                           return s;
                         },
                         [this] { ++runs_requested; }};

  std::string reply(std::string_view line) { return handler.handle_line(line).reply; }
};

std::string error_of(std::string_view line) {
  ParsedControlRequest p = parse_control_request(line);
  CHECK_FALSE(p.request);
  return p.error;
}

}  // namespace

TEST_CASE("control requests: the four ops and their fields") {
  ParsedControlRequest p = parse_control_request(R"({"op":"insert","facts":"num(1)."})");
  REQUIRE(p.request);
  CHECK(p.request->op == ControlRequest::Op::Insert);
  CHECK(p.request->facts == "num(1).");

  p = parse_control_request(R"({"op":"dump"})");
  REQUIRE(p.request);
  CHECK(p.request->op == ControlRequest::Op::Dump);
  CHECK_FALSE(p.request->table);

  p = parse_control_request(R"( {"table":"succ", "op":"dump", "id":[1,"x"]} )");
  REQUIRE(p.request);
  CHECK(*p.request->table == "succ");
  CHECK(p.request->id == R"([1,"x"])");

  p = parse_control_request(R"({"op":"stats"})");
  REQUIRE(p.request);
  CHECK(p.request->op == ControlRequest::Op::Stats);

  p = parse_control_request(R"({"op":"watch","table":"t"})");
  REQUIRE(p.request);
  CHECK(p.request->op == ControlRequest::Op::Watch);
  CHECK(p.request->interval == kDefaultWatchInterval);
  p = parse_control_request(R"({"op":"watch","table":"t","interval":2})");
  CHECK(p.request->interval == 2);
  p = parse_control_request(R"({"op":"watch","table":"t","interval":0})");
  CHECK(p.request->interval == kMinWatchInterval);  // bounded below
  p = parse_control_request(R"({"op":"watch","table":"t","interval":1e9})");
  CHECK(p.request->interval == kMaxWatchInterval);
}

TEST_CASE("control requests: what is wrong is said, and the id is kept") {
  CHECK(error_of("").find("malformed JSON") == 0);
  CHECK(error_of("{\"op\":\"stats\"").find("malformed JSON") == 0);
  CHECK(error_of("not json").find("malformed JSON: ") == 0);
  CHECK(error_of("{\"op\":\"\xff\"}").find("malformed JSON") == 0);  // not UTF-8
  CHECK(error_of("[1, 2]").find("JSON object") != std::string::npos);
  CHECK(error_of("{}").find("\"op\"") != std::string::npos);
  CHECK(error_of(R"({"op":5})").find("\"op\"") != std::string::npos);
  CHECK(error_of(R"({"op":"frob"})") == R"(unknown op "frob" (expected insert, dump, stats, watch, block, unblock or delay))");
  CHECK(error_of(R"({"op":"insert"})") == R"(op "insert" needs a "facts" string)");
  CHECK(error_of(R"({"op":"insert","facts":3})") == R"("facts" must be a string)");
  CHECK(error_of(R"({"op":"dump","table":null})") == R"("table" must be a string)");
  CHECK(error_of(R"({"op":"dump","tabel":"x"})") == R"(unknown field "tabel" for op "dump")");
  CHECK(error_of(R"({"op":"stats","x":1})") == R"(unknown field "x" for op "stats")");
  CHECK(error_of(R"({"op":"watch"})") == R"(op "watch" needs a "table" string)");
  CHECK(error_of(R"({"op":"watch","table":"t","interval":"1"})").find("interval") != std::string::npos);
  CHECK(error_of(R"({"op":"watch","table":"t","interval":-1})").find("interval") != std::string::npos);

  ParsedControlRequest p = parse_control_request(R"({"op":"frob","id":"a1"})");
  CHECK(p.id == "\"a1\"");
  CHECK(control_error_reply("bad \"x\"", p.id) == R"({"ok":false,"id":"a1","error":"bad \"x\""})");
  CHECK(control_error_reply("no") == R"({"ok":false,"error":"no"})");
}

TEST_CASE("control insert: facts go in as with --facts; a parse error inserts nothing") {
  Fixture f;
  CHECK(f.reply(R"({"op":"insert","facts":"num(3). tag(\"a\").\nnum(1)."})") == R"({"ok":true,"inserted":3})");
  CHECK(f.program.queued() == 2);
  CHECK(f.runs_requested == 1);

  CHECK(f.reply(R"({"op":"insert","facts":"num(4).\n  num(5"})") == R"({"ok":false,"error":"2:8: expected ',' or ')' after an argument"})");
  CHECK(f.program.queued() == 2);  // num(4) was not inserted either
  CHECK(f.runs_requested == 1);

  // The program refuses the second fact: the first is in, and the reply says so.
  ControlHandler::Result r = f.handler.handle_line(R"({"op":"insert","facts":"num(6). num(\"x\"). num(7).","id":9})");
  CHECK_FALSE(r.ok);
  CHECK(r.reply == R"J({"ok":false,"id":9,"error":"1:9: expected num(int)","inserted":1})J");
  CHECK(f.program.queued() == 3);
  CHECK(f.runs_requested == 2);

  CHECK(f.reply(R"({"op":"insert","facts":"  // nothing\n"})") == R"({"ok":true,"inserted":0})");
  CHECK(f.runs_requested == 2);
}

TEST_CASE("control dump: one table or all, in the --dump encoding") {
  Fixture f;
  f.reply(R"({"op":"insert","facts":"num(10). num(2). tag(\"q\\\"uote\"). tag(\"b\")."})");
  f.program.run(100);
  CHECK(f.reply(R"({"op":"dump","table":"nums"})") == R"({"ok":true,"table":"nums","rows":[[10], [2]]})");
  CHECK(f.reply(R"({"op":"dump","table":"tags","id":"t"})") ==
        R"({"ok":true,"id":"t","table":"tags","rows":[["b", 1], ["q\"uote", 6]]})");
  CHECK(f.reply(R"({"op":"dump"})") ==
        R"({"ok":true,"tables":{"nums": [[10], [2]], "tags": [["b", 1], ["q\"uote", 6]]}})");
  CHECK(f.reply(R"({"op":"dump","table":"numz"})") ==
        R"J({"ok":false,"error":"no table \"numz\" in this program (tables: nums, tags)"})J");

  // The rows are those of the --dump file.
  JsonDump file;
  f.program.dump(file);
  CHECK(file.text().find("\"tags\": [\n    [\"b\", 1],\n    [\"q\\\"uote\", 6]\n  ]") != std::string::npos);
}

TEST_CASE("control stats: the --stats object on one line") {
  Fixture f;
  ControlHandler::Result r = f.handler.handle_line(R"({"op":"stats"})");
  CHECK(r.ok);
  CHECK(r.reply.find(R"({"ok":true,"stats":{"addr":"127.0.0.1:9001","received":4,"sent":0,)") == 0);
  CHECK(r.reply.find('\n') == std::string::npos);
  CHECK(r.reply.find("control") == std::string::npos);  // the fixture's node has no endpoint
}

TEST_CASE("control watch: rows now, then a line only when they changed") {
  Fixture f;
  ControlHandler::Result r = f.handler.handle_line(R"({"op":"watch","table":"nums","interval":0.01,"id":1})");
  CHECK(r.ok);
  CHECK(r.reply == R"({"ok":true,"id":1,"table":"nums","rows":[]})");
  REQUIRE(r.watch);
  ControlWatch& w = *r.watch;
  CHECK(w.table == "nums");
  CHECK(w.interval == kMinWatchInterval);
  CHECK_FALSE(f.handler.watch_update(w));

  f.reply(R"({"op":"insert","facts":"num(5)."})");
  CHECK_FALSE(f.handler.watch_update(w));  // queued, not yet in the table
  f.program.run(100);
  auto line = f.handler.watch_update(w);
  REQUIRE(line);
  CHECK(*line == R"({"ok":true,"id":1,"table":"nums","rows":[[5]]})");
  CHECK_FALSE(f.handler.watch_update(w));
  f.reply(R"({"op":"insert","facts":"tag(\"x\")."})");  // another table
  CHECK_FALSE(f.handler.watch_update(w));

  r = f.handler.handle_line(R"({"op":"watch","table":"nope"})");
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.watch);
}

TEST_CASE("control handler: a program that throws gives an error reply") {
  Fixture f;
  f.reply(R"({"op":"insert","facts":"boom()."})");
  ControlHandler::Result r = f.handler.handle_line(R"({"op":"dump","id":2})");
  CHECK_FALSE(r.ok);
  CHECK(r.reply == R"({"ok":false,"id":2,"error":"internal error: dump failed"})");
}

TEST_CASE("JsonDump for one table skips the others' rows but knows their names") {
  Store program;
  program.insert_fact("num", {Value{int64_t{1}}});
  program.insert_fact("tag", {Value{std::string("z")}});
  program.run(10);
  JsonDump only("tags");
  program.dump(only);
  CHECK(only.has_table("nums"));
  CHECK(only.has_table("tags"));
  CHECK_FALSE(only.has_table("x"));
  CHECK(only.rows("tags") == R"([["z", 1]])");
  CHECK(only.rows("nums") == "[]");
  CHECK(only.line() == R"({"nums": [], "tags": [["z", 1]]})");
  CHECK(JsonDump().line() == "{}");
}

TEST_CASE("NodeStats: one line, and the control counters only with an endpoint") {
  NodeStats s;
  s.addr = "a";
  CHECK(s.to_json(-1).find('\n') == std::string::npos);
  CHECK(s.to_json().find("control") == std::string::npos);
  s.control = ControlStats{};
  s.control->port = 4242;
  s.control->errors = 3;
  std::string j = s.to_json(-1);
  CHECK(j.find(R"("control":{"port":4242,"clients":0,"connections":0,"requests":0,"errors":3,"dropped_clients":0})") !=
        std::string::npos);
}

TEST_CASE("node options: --control and --control-file") {
  auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), "node");
    return parse_node_options(static_cast<int>(args.size()), args.data());
  };
  auto p = parse({"--addr", "127.0.0.1:9001", "--control", "0", "--control-file=c.port"});
  REQUIRE(p.error.empty());
  REQUIRE(p.options.control_port);
  CHECK(*p.options.control_port == 0);
  CHECK(p.options.control_file == "c.port");
  p = parse({"--addr", "127.0.0.1:9001", "--control=65535"});
  CHECK(p.error.empty());
  CHECK(*p.options.control_port == 65535);
  CHECK_FALSE(parse({"--addr", "127.0.0.1:9001"}).options.control_port);
  CHECK(parse({"--addr", "127.0.0.1:9001", "--control", "65536"}).error.find("--control expects a TCP port") == 0);
  CHECK(parse({"--addr", "127.0.0.1:9001", "--control", "-1"}).error.find("--control expects") == 0);
  CHECK(parse({"--addr", "127.0.0.1:9001", "--control-file", "f"}).error == "--control-file needs --control");
}

// ---------------------------------------------------------------- end to end

namespace {

std::string tmp_path(const std::string& name) { return "runtime_control_test." + std::to_string(getpid()) + "." + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A blocking TCP client with a receive timeout.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(0x7f000001u);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    for (size_t done = 0; done < bytes.size();) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }
  // The next line, or "<closed>" / "<timeout>".
  std::string line() {
    for (;;) {
      if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
        std::string out = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return out;
      }
      char chunk[65536];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return "<closed>";
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? "<timeout>" : "<closed>";
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
  std::string request(const std::string& json) {
    send(json + "\n");
    return line();
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

int run_store_node(std::vector<std::string> args) {
  args.insert(args.begin(), "store");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return node_main(static_cast<int>(argv.size()), argv.data(), std::make_unique<Store>());
}

}  // namespace

TEST_CASE("node_main --control: requests over loopback TCP, several clients, bad lines, shutdown") {
  std::string port_file = tmp_path("control.port"), stats = tmp_path("stats.json");
  std::remove(port_file.c_str());
  int udp_port = 30000 + static_cast<int>(getpid() % 2000) * 10;
  std::thread node([&] {
    CHECK(run_store_node({"--addr", "127.0.0.1:" + std::to_string(udp_port), "--run-for", "60", "--control", "0",
                          "--control-file", port_file, "--stats", stats, "--block", "127.0.0.1:9"}) == 0);
  });
  std::string text;
  for (int i = 0; i < 500 && (text = read_file(port_file)).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  int port = std::stoi(text);
  CHECK(port > 0);

  {
    Client a(port), b(port);
    REQUIRE(a.connected());
    REQUIRE(b.connected());
    CHECK(a.request(R"({"op":"insert","facts":"num(7). num(8)."})") == R"({"ok":true,"inserted":2})");
    // Several requests in one write, CRLF and blank lines included, are answered in order.
    b.send("{\"op\":\"watch\",\"table\":\"nums\",\"interval\":0.05}\r\n\n  \n{\"op\":\"nope\"}\n");
    std::string first = b.line();
    CHECK(first.find(R"({"ok":true,"table":"nums","rows":)") == 0);
    CHECK(b.line().find("unknown op") != std::string::npos);
    if (first.find("[[7], [8]]") == std::string::npos) CHECK(b.line() == R"({"ok":true,"table":"nums","rows":[[7], [8]]})");
    CHECK(a.request(R"({"op":"insert","facts":"num(9)."})") == R"({"ok":true,"inserted":1})");
    CHECK(b.line() == R"({"ok":true,"table":"nums","rows":[[7], [8], [9]]})");  // the watch sees it

    // --block took effect, and block/unblock reach the node's filter.
    CHECK(a.request(R"({"op":"block","peer":"127.0.0.1:8"})") == R"({"ok":true,"blocked":["127.0.0.1:8","127.0.0.1:9"]})");
    CHECK(a.request(R"({"op":"unblock"})") == R"({"ok":true,"blocked":[]})");
    CHECK(a.request("garbage").find(R"({"ok":false,"error":"malformed JSON)") == 0);
    // A line over 1 MiB: an error reply, then the connection is closed.
    Client big(port);
    big.send(std::string(kMaxControlLine + 10, 'x'));
    CHECK(big.line().find("longer than 1048576 bytes") != std::string::npos);
    CHECK(big.line() == "<closed>");
    // A last request without a newline before the client closes its side is still answered.
    Client last(port);
    last.send(R"({"op":"dump","table":"nums"})");
    last.shutdown_send();
    CHECK(last.line() == R"({"ok":true,"table":"nums","rows":[[7], [8], [9]]})");
    CHECK(last.line() == "<closed>");

    std::string s = a.request(R"({"op":"stats"})");
    CHECK(s.find(R"("derivations":3)") != std::string::npos);
    CHECK(s.find(R"("control":{"port":)" + std::to_string(port) + R"(,"clients":)") != std::string::npos);
    CHECK(s.find(R"("connections":4,)") != std::string::npos);
    CHECK(s.find(R"("blocked":0,)") != std::string::npos);
    CHECK(s.find(R"("errors":3,"dropped_clients":1})") != std::string::npos);
  }
  std::raise(SIGTERM);
  node.join();
  CHECK(read_file(port_file).empty());  // removed: the port is no longer served
  CHECK(read_file(stats).find("\"control\": {") != std::string::npos);
  std::remove(stats.c_str());
}
