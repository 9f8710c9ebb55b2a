// The elements every compiled program shares, written once as templates over
// the program's predicates instead of being printed per program:
//
//   Mux            local tuples awaiting their strands, one queue per predicate
//   ReceiveDemux   a tuple from the Mux or the network to its table and strands
//   LocSpecDemux   a derived tuple to the Mux, the network or an overlay
//   network codec  tuple messages [op][predicate][fields...] in and out
//   Tun::Rx/Tx     tun(Packet): packets from the node's device start the tun
//                  strands (tun_received); tun tuples that land go to the device
//   TCP elements   a tcp.* view's call (its init tuple) to the node's
//                  TcpService, and the answer back as the call's return or fail
//   --facts, --dump and soft-state expiry over the program's tables
//
// A generated program derives from Engine<Self, Pred<T, flags>...> (the CRTP:
// Self is the program) and writes only what its rules decide: its tables, its
// strands, and which strands each predicate's tuples start —
//   void on(const T&)        an event arrived
//   void inserted(const T&)  a row was added to T's table
//   void removed(const T&)   a row left it (deletion, expiry, eviction, replacement)
// and, where the program needs them, to_overlay (OverlaySendWrap), is_local
// (multi-homing) and admit (a CView context table full of pending calls).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mosaic/program.hpp"
#include "mosaic/tuple.hpp"

namespace mosaic {

// What the compiler decided about a predicate (see mozc --emit=plan).
enum PredFlags : unsigned {
  kEvent = 0,
  kStored = 1u << 0,         // materialized: its rows live in a Table
  kBestEffort = 1u << 1,     // sent without acknowledgements
  kShortcut = 1u << 2,       // local inserts are handled at once, not queued (CView local event shortcut)
  kNoFacts = 1u << 3,        // made by a rewrite: no --facts row may name it
  kRuntimeKept = 1u << 4,    // localAddr: the runtime inserts its one row; no fact or datagram may
  kLocatedAtField0 = 1u << 5,  // p(@A, ...): field 0 is the node a --facts row belongs to
  kUnwrap = 1u << 6,         // ov.recv(Packet): the payload goes on as a local tuple (OverlayRecvUnwrap)
  kBounded = 1u << 7,        // a CView context table: the program's admit() may refuse a row
  kTun = 1u << 8,            // tun(Packet): strands start from Tun::Rx; tuples that land go to Tun::Tx
  kLegacy = 1u << 9,         // legacy.send / legacy.recv (with kUnwrap): the legacy overlay's adapter
};

template <class Row, unsigned Flags = kEvent>
struct Pred {
  using Tuple = Row;
  static constexpr unsigned kFlags = Flags;
};

// The tables of a program, by reference, for the engine: MOSAIC_TABLES(a_, b_).
#define MOSAIC_TABLES(...)                                     \
  auto tables() { return std::tie(__VA_ARGS__); }              \
  auto tables() const { return std::tie(__VA_ARGS__); }

template <class Self, class... Ps>
class Engine : public Program {
  template <class T>
  static constexpr size_t index_of() {
    size_t i = 0, found = sizeof...(Ps);
    ((std::is_same_v<typename Ps::Tuple, T> ? (found = i, ++i) : ++i), ...);
    return found;
  }
  template <class T>
  using PredOf = std::tuple_element_t<index_of<T>(), std::tuple<Ps...>>;
  template <class T>
  static constexpr unsigned flags_of = PredOf<T>::kFlags;

 public:
  // Cold paths (--facts, --dump) are compiled for size: less work for the
  // compiler on every program, and nothing a node does per tuple.
  [[gnu::cold]] std::string insert_fact(const std::string& pred, const std::vector<Value>& v) override {
    std::string result = "unknown predicate '" + pred + "'";
    (void)((!(Ps::kFlags & kNoFacts) && Ps::Tuple::kName == pred && (result = fact<Ps>(v), true)) || ...);
    return result;
  }

  bool receive(std::string_view message) override {
    Reader r(message);
    uint8_t op;
    if (!r.u8(op) || (op != uint8_t(Op::Insert) && op != uint8_t(Op::Delete))) return false;
    return accept(message.substr(1), Op(op));
  }

  bool run(size_t budget) override {
    static constexpr std::array<void (Engine::*)(Op), sizeof...(Ps)> handlers{&Engine::next<Ps>...};
    while (budget-- > 0 && !mux_.empty()) {
      auto [pred, op] = mux_.front();
      mux_.pop_front();
      (this->*handlers[pred])(op);
    }
    return !mux_.empty();
  }

  // Tun::Rx: a packet read from this node's tun device starts the strands of
  // tun(Packet) at once (no Mux: nothing else orders packets, and the queue
  // would only cost a copy). False when the program has no such strand.
  bool tun_received(Bytes&& packet) override {
    bool taken = false;
    (tun_rx<Ps>(packet, taken), ...);
    return taken;
  }

  // What the legacy overlay delivered: legacy.recv(Packet), unwrapped in turn.
  bool legacy_received(std::string&& packet) override {
    bool taken = false;
    (legacy_rx<Ps>(packet, taken), ...);
    return taken;
  }

  void expire() override {
    const double now = rt_->now();
    std::apply([&](auto&... table) { (expire_table(table, now), ...); }, self().tables());
  }

  [[gnu::cold]] void dump(JsonSink& s) const override {
    auto one = [&](const auto& table) {
      s.begin_table(std::remove_cvref_t<decltype(table)>::RowType::kName);
      for (const auto& [k, e] : table.rows()) {
        s.begin_row();
        e.row.dump(s);
        s.end_row();
      }
      s.end_table();
    };
    std::apply([&](const auto&... table) { (one(table), ...); }, static_cast<const Self&>(*this).tables());
  }

 protected:
  // LocSpecDemux: a tuple for this node goes to the Mux (or, with the local
  // event shortcut, straight to its strands), one for an overlay address to
  // that overlay's send (OverlaySendWrap), any other to the network.
  template <class T>
  void deliver(T&& t, Op op, const Addr* dest) {
    using Row = std::remove_cvref_t<T>;
    const bool local = !dest || self().is_local(*dest);
    if constexpr ((flags_of<Row> & (kShortcut | kTun)) != 0) {  // a tun tuple for here: Tun::Tx at once
      if (local && op == Op::Insert && shortcut_depth_ < 32) {  // bounded: long chains still queue
        ++shortcut_depth_;
        handle(static_cast<const Row&>(t), op);
        --shortcut_depth_;
        return;
      }
    }
    if (local) enqueue(std::forward<T>(t), op);
    else if (dest->is_overlay()) to_overlay_or_drop(*dest, t.pack(), op);
    else send(*dest, t, op);
  }

  template <class T>
  void enqueue(T&& t, Op op) {
    using Row = std::remove_cvref_t<T>;
    queue<Row>().push_back(std::forward<T>(t));
    mux_.emplace_back(static_cast<uint16_t>(index_of<Row>()), op);
  }

  // A row is deleted only while the stored one still equals it.
  template <class Row>
  void delete_row(const Row& t) {
    auto& table = table_of<Row>();
    const Row* cur = table.find(t.key());
    if (!cur || !(*cur == t)) return;
    Row old;
    table.erase(t.key(), &old);
    removed_hook(old);
  }

  // OverlaySendWrap for overlay `Send` (ov.send(Dest, Packet)): the packet
  // becomes the local event ov.send(x, packet), the address's inner value x
  // converted to the type of ov's nodes.
  template <class Send>
  void wrap(const Addr& dest, Packet&& packet) {
    Send s;
    if (!convert(dest.inner(), get<0>(s))) {
      using Node = std::remove_cvref_t<decltype(get<0>(s))>;
      std::string_view ov = Send::kName.substr(0, Send::kName.find('.'));
      rt_->dropped(Drop::Unroutable, dest.to_string() + " is no node of overlay " + std::string(ov) +
                                         ", whose nodes are " + TypeName<Node>::str());
      return;
    }
    get<1>(s) = std::move(packet);
    enqueue(std::move(s), Op::Insert);
  }

  // The TCP elements (paper §5.3): a call of a tcp.* view arrives as its init
  // tuple (Q, Caller, In...); the node's TcpService does it and the answer
  // comes back as Ret(Q, Out...), or Fail(Q) when the call failed. The caller
  // is this node: mozc rejects tcp.* calls at other nodes.
  template <class Ret, class Fail, class Init>
  void tcp_call(TcpOp op, const Init& t) {
    TcpArgs args;
    [&]<size_t... I>(std::index_sequence<I...>) {
      (tcp_arg(args, get<I + 2>(t)), ...);
    }(std::make_index_sequence<Init::kArity - 2>());
    rt_->tcp().call(op, std::move(args), [this, q = get<0>(t), caller = get<1>(t)](TcpAnswer&& a) {
      if (!a.ok) {
        deliver(Fail{q}, Op::Insert, &caller);
        return;
      }
      Ret r;
      get<0>(r) = q;
      [&]<size_t... I>(std::index_sequence<I...>) {
        (tcp_result(a, get<I + 1>(r)), ...);
      }(std::make_index_sequence<Ret::kArity - 1>());
      deliver(std::move(r), Op::Insert, &caller);
    });
  }

  // Defaults a program hides with its own where it needs them.
  bool is_local(const Addr& a) const { return a == rt_->local_addr(); }
  bool to_overlay(const Addr&, Packet&) { return false; }  // true when some overlay of the program took it

 private:
  Self& self() { return static_cast<Self&>(*this); }

  template <class T>
  auto& table_of() { return std::get<TableIndex<T, decltype(self().tables())>::value>(self().tables()); }
  template <class T, class Tables>
  struct TableIndex;
  template <class T, class... Tabs>
  struct TableIndex<T, std::tuple<Tabs&...>> {
    static constexpr size_t value = [] {
      size_t i = 0, found = sizeof...(Tabs);
      ((std::is_same_v<typename Tabs::RowType, T> ? (found = i, ++i) : ++i), ...);
      return found;
    }();
  };

  // Mux -> ReceiveDemux: the next queued tuple of predicate P.
  template <class P>
  void next(Op op) {
    auto& q = queue<typename P::Tuple>();
    typename P::Tuple t = std::move(q.front());
    q.pop_front();
    handle(t, op);
  }

  // ReceiveDemux: a stored predicate's tuple changes its table (and the table's
  // strands run on what changed); an event runs its strands.
  template <class Row>
  void handle(const Row& t, Op op) {
    constexpr unsigned flags = flags_of<Row>;
    if constexpr ((flags & kTun) != 0) {
      // Tun::Tx: a tun tuple that lands at this node is a packet for its device,
      // never an event (or a relay's rule would send it straight back out).
      if (op == Op::Insert) rt_->tun_write(get<0>(t));
    } else if constexpr ((flags & (kLegacy | kUnwrap)) == kLegacy) {
      // legacy.send(Dest, Packet): the legacy overlay's adapter takes it (paper §5.4).
      if (op == Op::Insert) rt_->legacy_send(to_value(get<0>(t)), get<1>(t));
    } else if constexpr ((flags & kStored) != 0) {
      if (op == Op::Insert) insert_row(t);
      else delete_row(t);
    } else if (op == Op::Insert) {
      if constexpr (requires { self().on(t); }) self().on(t);
      if constexpr ((flags & kUnwrap) != 0) {
        // OverlayRecvUnwrap: if the payload is itself some ov.recv(...), it is
        // unwrapped again when its turn comes.
        if (!accept(get<0>(t).bytes(), Op::Insert))
          rt_->dropped(Drop::MalformedPacket, std::string(Row::kName) + " carried a tuple this program cannot decode");
      }
    }
  }

  template <class Row>
  void insert_row(const Row& t) {
    if constexpr ((flags_of<Row> & kBounded) != 0)
      if (!self().admit(t)) return;
    auto& table = table_of<Row>();
    std::vector<Row> removed;
    auto outcome = table.insert(t, rt_->now(), removed);
    for (const auto& old : removed) removed_hook(old);
    using Outcome = typename std::remove_cvref_t<decltype(table)>::Outcome;
    if (outcome == Outcome::Refreshed || outcome == Outcome::Rejected) return;
    if constexpr (requires { self().inserted(t); }) self().inserted(t);
  }

  // Deletion, expiry, eviction and replacement all end here.
  template <class Row>
  void removed_hook(const Row& t) {
    if constexpr (requires { self().removed(t); }) self().removed(t);
  }

  template <class P>
  void tun_rx(Bytes& packet, bool& taken) {
    using Row = typename P::Tuple;
    if constexpr ((P::kFlags & kTun) != 0 && requires(const Row& t) { self().on(t); }) {
      Row t;
      get<0>(t) = std::move(packet);
      self().on(t);
      taken = true;
    }
  }

  template <class P>
  void legacy_rx(std::string& packet, bool& taken) {
    if constexpr ((P::kFlags & (kLegacy | kUnwrap)) == (kLegacy | kUnwrap)) {
      typename P::Tuple t;
      get<0>(t) = Packet(std::move(packet));
      enqueue(std::move(t), Op::Insert);
      taken = true;
    }
  }

  template <class Tab>
  void expire_table(Tab& table, double now) {
    if (!table.has_lifetime()) return;
    std::vector<typename Tab::RowType> gone;
    table.expire(now, gone);
    for (const auto& t : gone) removed_hook(t);
  }

  // Decodes a packet, [predicate][fields], and queues its tuple: for the
  // network (after the op byte) and for OverlayRecvUnwrap. False, changing
  // nothing, when malformed.
  bool accept(std::string_view packet, Op op) {
    Reader r(packet);
    std::string pred;
    if (!r.bytes(pred)) return false;
    bool ok = false;
    // No other node can say what this node's own address is.
    (void)((!(Ps::kFlags & kRuntimeKept) && Ps::Tuple::kName == pred && (ok = decode_into<typename Ps::Tuple>(r, op), true)) ||
           ...);
    return ok;
  }
  template <class Row>
  bool decode_into(Reader& r, Op op) {
    Row t;
    if (!t.decode(r) || !r.at_end()) return false;
    // Tun::Tx at once: a packet that arrived (or was unwrapped) here goes to the
    // device now, in arrival order, not after whatever waits in the Mux.
    if constexpr ((flags_of<Row> & kTun) != 0) handle(t, op);
    else enqueue(std::move(t), op);
    return true;
  }

  template <class Row>
  void send(const Addr& dest, const Row& t, Op op) {
    Writer w;
    w.u8(uint8_t(op));
    w.bytes(Row::kName);
    t.encode(w);
    rt_->send(dest, w.take(), (flags_of<Row> & kBestEffort) != 0 || carries_best_effort(t));
  }

  // A tuple carrying a best-effort tuple (an overlay's data plane forwarding a
  // packet of tun, say) is sent best effort too: retransmitting the wrapper
  // would deliver late what its content said need not arrive at all.
  template <class Row>
  bool carries_best_effort(const Row& t) const {
    bool found = false;
    t.for_each_field([&](const auto& field) {
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, Packet>) {
        if (!found) found = packet_carries(field.bytes(), [](std::string_view name) { return is_best_effort(name); });
      }
    });
    return found;
  }
  static bool is_best_effort(std::string_view name) {
    return ((((Ps::kFlags & kBestEffort) != 0) && Ps::Tuple::kName == name) || ...);
  }

  void to_overlay_or_drop(const Addr& dest, Packet&& packet, Op op) {
    if (op != Op::Insert) {
      rt_->dropped(Drop::Unroutable, "a deletion cannot be sent through overlay address " + dest.to_string());
      return;
    }
    if (!self().to_overlay(dest, packet))
      rt_->dropped(Drop::Unroutable, "no overlay of this program routes " + dest.to_string());
  }

  // A --facts row, inserted as if derived here (sent on if located elsewhere).
  template <class P>
  [[gnu::cold]] std::string fact(const std::vector<Value>& v) {
    using Row = typename P::Tuple;
    if constexpr ((P::kFlags & kRuntimeKept) != 0) {
      return std::string(Row::kName) + " is this node's own IP address, kept by the runtime";
    } else {
      Row t;
      if (size_t bad = t.assign(v); bad != size_t(-1)) return fact_mismatch(Row::signature(), v, bad);
      const Addr* dest = nullptr;
      if constexpr ((P::kFlags & kLocatedAtField0) != 0) dest = &get<0>(t);
      deliver(std::move(t), Op::Insert, dest);
      return "";
    }
  }

  // One queue per predicate, as bases of one struct: a flat pack, where a
  // std::tuple of as many deques costs the compiler a deep recursion per program.
  template <class T>
  struct Queue {
    std::deque<T> items;
  };
  struct Queues : Queue<typename Ps::Tuple>... {};
  template <class T>
  std::deque<T>& queue() { return static_cast<Queue<T>&>(queues_).items; }

  Queues queues_;
  std::deque<std::pair<uint16_t, Op>> mux_;  // the Mux: which predicate's queue goes next
  int shortcut_depth_ = 0;                   // nesting of tuples handled without the Mux
};

}  // namespace mosaic
