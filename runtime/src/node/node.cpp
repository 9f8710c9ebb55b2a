#include "node/node.hpp"

#include <boost/asio/post.hpp>
#include <exception>

namespace mosaic {

namespace {
constexpr size_t kRunBudget = 4096;        // tuples per slice of Program::run
// Housekeeping (Program::expire, then retransmissions due) shares one timer, so
// an idle node wakes up 10 times a second for it rather than 30.
constexpr double kHousekeepingPeriod = 0.1;  // seconds; the granularity of expiry and retransmission
constexpr double kMinPeriod = 0.001;       // a periodic() faster than this would starve the loop

// The predicate of a tuple message, [op:u8][predicate:bytes][fields...]; "" if it has none.
std::string_view message_predicate(std::string_view message) {
  Reader r(message);
  uint8_t op;
  uint32_t n;
  if (!r.u8(op) || !r.u32(n) || n > r.remaining()) return {};
  return message.substr(sizeof op + sizeof n, n);
}

// The counters of `predicate`, created on first use (no allocation when they exist).
MessageCounts& counts_of(MessageCountsByPredicate& counts, std::string_view predicate) {
  auto it = counts.find(predicate);
  if (it == counts.end()) it = counts.emplace(std::string(predicate), MessageCounts{}).first;
  return it->second;
}

ReliableChannel::Config channel_config(const RetransmitPolicy& retransmit) {
  ReliableChannel::Config c;
  c.retransmit = retransmit;
  // Peers are assumed to run with the same --retry-for; the margin covers
  // timer granularity and transit time.
  c.duplicates.gap_timeout = retransmit.retry_for + 2;
  return c;
}
}  // namespace

Node::Node(boost::asio::io_context& io, Program& program, Transport& link, const Clock& clock, NodeConfig config,
           uint64_t incarnation)
    : io_(io),
      program_(program),
      config_(config),
      link_(link),
      clock_(clock),
      channel_(incarnation, channel_config(config.retransmit)) {}

bool Node::bind(std::string& error) { return link_.open(config_.addr, error); }

void Node::start() {
  running_ = true;
  link_.start([this](const Addr& from, std::string_view datagram) { on_datagram(from, datagram); });
  std::vector<PeriodicSpec> periodics = program_.periodics();
  for (size_t i = 0; i < periodics.size(); ++i) {
    double period = periodics[i].period;
    if (!(period >= kMinPeriod)) {
      log(LogLevel::Warn, "periodic timer " + std::to_string(i) + " has period " + std::to_string(period) +
                              " s; using " + std::to_string(kMinPeriod) + " s");
      period = kMinPeriod;
    }
    add_timer(period, periodics[i].count, [this, i] {
      program_.fire_periodic(i, next_event_id_++);
      schedule_run();
    });
  }
  add_timer(kHousekeepingPeriod, 0, [this] { housekeeping(); });
  schedule_run();
}

void Node::housekeeping() {
  program_.expire();
  channel_.poll(now(), transmitter());
  schedule_run();  // the run ends with stop_if_idle: giving up the last outstanding message may leave the node idle
}

void Node::stop() {
  if (!running_) return;
  running_ = false;
  for (auto& timer : timers_) timer->cancel();
  link_.close();
  tcp_.shutdown();
  io_.stop();
}

double Node::now() const { return clock_.now(); }

void Node::legacy_send(const Value& dest, const Packet& packet) {
  if (!legacy_) {
    ++legacy_stats_.no_adapter;
    dropped(Drop::Unroutable, "a tuple for legacy::" + dest.to_literal() + ", but this node has no legacy adapter (--legacy)");
    return;
  }
  legacy_->send(dest, packet.bytes());
}

void Node::attach_legacy(legacy::Adapter& adapter) {
  legacy_ = &adapter;
  adapter.start([this](std::string packet) {
    if (program_.legacy_received(std::move(packet))) ++legacy_stats_.received;
    else ++legacy_stats_.malformed;  // the program has no legacy.recv
    schedule_run();
  });
}

void Node::send(const Addr& dest, std::string message, bool best_effort) {
  if (dest.kind() != Addr::Kind::Ip) {  // the empty address (a built-in's "none"): nowhere to go
    dropped(Drop::Unroutable, "a tuple addressed to the empty address");
    return;
  }
  if (message.empty() || message.size() > kMaxDatagram - kFrameHeaderSize) {
    log(LogLevel::Error, "dropped a message of " + std::to_string(message.size()) + " bytes to " + dest.to_string() +
                             ": it does not fit in one datagram");
    return;
  }
  ++counts_of(messages_, message_predicate(message)).sent;
  if (best_effort) {
    transmit(dest, channel_.best_effort_frame(message));
  } else {
    channel_.send_reliable(dest, message, now(), transmitter());
  }
}

void Node::dropped(Drop why, std::string_view detail) {
  const char* what = "";
  switch (why) {
    case Drop::Unroutable:
      ++unroutable_;
      what = "dropped an unroutable tuple: ";
      break;
    case Drop::MalformedPacket:
      ++malformed_;
      what = "dropped a malformed overlay packet: ";
      break;
    case Drop::CallRejected:
      ++calls_rejected_;
      what = "refused a CView call: ";
      break;
  }
  if (log_enabled(LogLevel::Debug)) log(LogLevel::Debug, what + std::string(detail));
}

NodeStats Node::stats() const {
  NodeStats s;
  s.addr = config_.addr.to_string();
  s.received = received_;
  s.sent = sent_;
  s.malformed = malformed_;
  s.unroutable = unroutable_;
  s.calls_rejected = calls_rejected_;
  s.retransmits = channel_.retransmits();
  s.duplicates = channel_.duplicates();
  s.gave_up = channel_.gave_up();
  s.outstanding = channel_.outstanding();
  s.derivations = program_.derivations();
  if (tun_attached_ || tun_stats_.no_device > 0) s.tun = tun_stats_;
  if (tcp_.used()) s.tcp = tcp_.stats();
  if (legacy_ || legacy_stats_.no_adapter > 0) s.legacy = legacy_stats_;
  s.uptime_s = now();
  s.messages = messages_;
  return s;
}

void Node::on_datagram(const Addr& from, std::string_view datagram) {
  ++received_;
  std::optional<Frame> frame = decode_frame(datagram);
  if (!frame) {
    ++malformed_;
    if (log_enabled(LogLevel::Debug)) {
      log(LogLevel::Debug, "dropped a malformed datagram of " + std::to_string(datagram.size()) + " bytes from " +
                               from.to_string());
    }
    return;
  }
  switch (frame->kind) {
    case FrameKind::Ack:
      channel_.on_ack(from, *frame, now(), transmitter());
      stop_if_idle();
      return;
    case FrameKind::Reliable: {
      ReliableChannel::Receipt receipt = channel_.on_reliable(from, *frame, now());
      if (!receipt.ack.empty()) transmit(from, receipt.ack);
      if (receipt.deliver) deliver(frame->payload);
      return;
    }
    case FrameKind::BestEffort:
      deliver(frame->payload);
      return;
  }
}

void Node::deliver(std::string_view payload) {
  bool accepted = false;
  try {
    accepted = program_.receive(payload);
  } catch (const std::exception& e) {
    // Input from the network must never bring the node down.
    log(LogLevel::Debug, std::string("receive threw: ") + e.what());
  }
  if (!accepted) {
    ++malformed_;
    log(LogLevel::Debug, "dropped a tuple message the program could not decode");
    return;
  }
  ++counts_of(messages_, message_predicate(payload)).received;
  schedule_run();
}

void Node::transmit(const Addr& dest, std::string_view frame) {
  if (link_.send(dest, frame)) ++sent_;
}

ReliableChannel::Transmit Node::transmitter() {
  return [this](const Addr& dest, const std::string& frame) { transmit(dest, frame); };
}

void Node::schedule_run() {
  if (run_queued_ || !running_) return;
  run_queued_ = true;
  boost::asio::post(io_, [this] { run_slice(); });
}

void Node::run_slice() {
  run_queued_ = false;
  if (!running_) return;
  if (program_.run(kRunBudget)) {
    schedule_run();  // behind whatever else is ready, so datagrams and timers get their turn
  } else {
    stop_if_idle();
  }
}

void Node::stop_if_idle() {
  if (!config_.until_idle || !running_ || run_queued_ || channel_.outstanding() > 0) return;
  idle_after_ = now();
  stop();
}

void Node::add_timer(double period, int64_t count, std::function<void()> tick) {
  timers_.push_back(std::make_unique<RepeatingTimer>(io_, period, count, std::move(tick)));
  timers_.back()->start();
}

}  // namespace mosaic
