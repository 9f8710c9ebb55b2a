// Pass 1 of the checker: which predicates exist, their arities, and what the
// materialize / schema / best_effort declarations say about them.
#include <set>

#include "check/check_context.hpp"

namespace mozc {

MOZC_DIAGNOSTIC(PeriodicDerived, Error, "'periodic' is a built-in event; rules cannot derive it");

namespace {

std::string fields(size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

void check_periodic_form(CheckContext& cx, const Atom& a, bool is_head) {
  if (is_head) {
    cx.diags.emit(PeriodicDerived, a.loc);
    return;
  }
  size_t data = a.args.size() - (a.ndlog_located ? 1 : 0);
  if (data < 2 || data > 3) {
    MOZC_DIAGNOSTIC(PeriodicArity, Error, "periodic takes (E, Seconds) or (E, Seconds, Count), optionally after "
                    "@Node");
    cx.diags.emit(PeriodicArity, a.loc);
    return;
  }
  size_t first = a.ndlog_located ? 1 : 0;
  MOZC_DIAGNOSTIC(PeriodicEventIdNotVariable, Error, "the event id of periodic must be a variable");
  if (!a.args[first]->is_var() && a.args[first]->kind != ExprKind::Wildcard)
    cx.diags.emit(PeriodicEventIdNotVariable, a.args[first]->loc);
  for (size_t i = first + 1; i < a.args.size(); ++i) {
    const Expr& e = *a.args[i];
    bool ok = e.kind == ExprKind::Int || (i == first + 1 && e.kind == ExprKind::Float);
    if (!ok) {
      MOZC_DIAGNOSTIC(PeriodicPeriodNotNumber, Error, "the period of periodic must be a number literal or constant");
      MOZC_DIAGNOSTIC(PeriodicCountNotInteger, Error, "the count of periodic must be an integer literal or constant");
      if (i == first + 1) cx.diags.emit(PeriodicPeriodNotNumber, e.loc);
      else cx.diags.emit(PeriodicCountNotInteger, e.loc);
    } else if (std::stod(e.text) <= 0) {
      MOZC_DIAGNOSTIC(PeriodicNotPositive, Error, "the period and count of periodic must be positive");
      cx.diags.emit(PeriodicNotPositive, e.loc);
    }
  }
}

// Records one use of `pred` with `arity` fields; every use must agree.
void use_predicate(CheckContext& cx, const std::string& pred, size_t arity, Loc loc, bool derives) {
  auto [it, fresh] = cx.preds.try_emplace(pred);
  PredInfo& p = it->second;
  if (fresh) {
    p.name = pred;
    p.arity = arity;
    p.first_use = loc;
  } else if (p.arity != arity) {
    MOZC_DIAGNOSTIC(ArityMismatch, Error, "'{0}' has {1} here but {2} elsewhere");
    cx.diags.emit(ArityMismatch, loc, pred, fields(arity), fields(p.arity));
    MOZC_DIAGNOSTIC(ArityFirstUsedHere, Note, "first used here with {0}");
    cx.diags.emit(ArityFirstUsedHere, p.first_use, fields(p.arity));
  }
  MOZC_DIAGNOSTIC(LocalAddrDerived, Error, "'localAddr' holds this node's IP address and is kept by the "
                  "runtime; rules and facts cannot derive it (this node's address in overlay ov goes in "
                  "ov.localAddr)");
  if (derives && is_local_addr(pred))
    cx.diags.emit(LocalAddrDerived, loc);
  if (derives) p.derived = true;
}

// localAddr(A): the runtime inserts this node's IP address at start-up (and
// nothing else, so a program's rules can rely on exactly one row).
void check_runtime_local_addr(CheckContext& cx) {
  auto it = cx.preds.find("localAddr");
  if (it == cx.preds.end()) return;
  PredInfo& p = it->second;
  p.materialized = true;
  p.runtime_kept = true;
  if (p.arity != 1) {
    MOZC_DIAGNOSTIC(LocalAddrArity, Error, "'localAddr' holds this node's IP address and takes (Addr), not {0}");
    cx.diags.emit(LocalAddrArity, p.first_use, fields(p.arity));
    return;
  }
  p.types = {Type::of(TypeKind::Addr)};
  p.max_size = 1;
  p.keys = {0};
}

// tun(Packet): one field of raw bytes (mozc/special has made every use one
// field); an event whose tuples the runtime makes and consumes, never a table
// (collect_predicates refuses to materialize it).
void check_tun(CheckContext& cx) {
  auto it = cx.preds.find("tun");
  if (it == cx.preds.end()) return;
  PredInfo& p = it->second;
  p.types = {Type::of(TypeKind::Bytes)};
  p.best_effort = true;  // a packet is never retransmitted by the overlay: the application's transport does that
}

void check_overlay_local_addr(CheckContext& cx, const PredInfo& p, const std::string& ov) {
  MOZC_DIAGNOSTIC(OverlayLocalAddrArity, Error,
                  "'{0}' holds this node's addresses in overlay '{1}' and takes (Node), not {2}");
  if (p.arity != 1) cx.diags.emit(OverlayLocalAddrArity, p.first_use, p.name, ov, fields(p.arity));
  MOZC_DIAGNOSTIC(OverlayLocalAddrNotTable, Error,
                  "'{0}' holds this node's addresses in overlay '{1}', which the runtime looks up: it must be a "
                  "table (materialize({0}, infinity, infinity, keys(1)))");
  if (!p.materialized) cx.diags.emit(OverlayLocalAddrNotTable, p.first_use, p.name, ov);
  MOZC_DIAGNOSTIC(OverlayLocalAddrUndefinedOverlay, Error,
                  "'{0}' holds this node's addresses in overlay '{1}', which this program does not define (no "
                  "rule uses {2})");
  if (!cx.preds.count(send_predicate(ov)))
    cx.diags.emit(OverlayLocalAddrUndefinedOverlay, p.first_use, p.name, ov, send_predicate(ov));
}

// ov.send(Dest, Packet) and ov.recv(Packet) have fixed shapes, and are events:
// the runtime creates and consumes them once per packet (LocSpecDemux, OverlayRecvUnwrap).
// ov.localAddr(X) is a table the runtime reads: which ov::X are this node.
void check_data_planes(CheckContext& cx) {
  for (const auto& [name, p] : cx.preds) {
    if (std::string ov = local_addr_overlay(name); !ov.empty()) {
      check_overlay_local_addr(cx, p, ov);
      continue;
    }
    std::string ov = data_plane_overlay(name, "send");
    bool is_send = !ov.empty();
    if (!is_send) ov = data_plane_overlay(name, "recv");
    if (ov.empty()) continue;
    size_t want = is_send ? 2 : 1;
    const char* shape = is_send ? "(Dest, Packet)" : "(Packet)";
    MOZC_DIAGNOSTIC(DataPlaneArity, Error, "'{0}' is the data plane of overlay '{1}' and takes {2}, not {3}");
    if (p.arity != want)
      cx.diags.emit(DataPlaneArity, p.first_use, name, ov, shape, fields(p.arity));
    MOZC_DIAGNOSTIC(DataPlaneMaterialized, Error, "'{0}' is the data plane of overlay '{1}' and must be an "
                    "event; it cannot be materialized");
    if (p.materialized)
      cx.diags.emit(DataPlaneMaterialized, p.first_use, name, ov);
  }
}

}  // namespace

void collect_predicates(CheckContext& cx) {
  auto& preds = cx.preds;
  for (const auto& s : cx.program.schemas) {
    if (is_tun(s.pred)) {
      MOZC_DIAGNOSTIC(TunSchema, Error, "'tun' is built in: tun(Packet[, SrcIP, DestIP, Protocol, TTL])");
      cx.diags.emit(TunSchema, s.loc);
      continue;
    }
    if (is_local_addr(s.pred)) {
      MOZC_DIAGNOSTIC(LocalAddrSchema, Error, "'localAddr' is built in: localAddr(addr), this node's IP address");
      cx.diags.emit(LocalAddrSchema, s.loc);
      continue;
    }
    if (auto it = preds.find(s.pred); it != preds.end()) {
      MOZC_DIAGNOSTIC(SchemaDeclaredTwice, Error, "schema for '{0}' is declared twice");
      cx.diags.emit(SchemaDeclaredTwice, s.loc, s.pred);
      MOZC_DIAGNOSTIC(SchemaFirstDeclaredHere, Note, "first declared here");
      cx.diags.emit(SchemaFirstDeclaredHere, it->second.first_use);
      continue;
    }
    PredInfo& p = preds[s.pred];
    p.name = s.pred;
    p.arity = s.types.size();
    p.types = s.types;
    p.first_use = s.loc;
  }

  for (auto& r : cx.program.rules) {
    int before = cx.diags.error_count();
    for_each_atom(r, [&](Atom& a, bool is_head) {
      if (is_periodic(a.pred)) return check_periodic_form(cx, a, is_head);
      use_predicate(cx, a.pred, a.args.size(), a.loc, is_head);
      if (a.ndlog_located) preds[a.pred].ndlog_located = true;
    });
    // A tuple value p(...) is a p that some node derives once it is unwrapped.
    for_each_tuple_value(r, [&](Expr& e) {
      if (is_periodic(e.text)) return cx.diags.emit(PeriodicDerived, e.loc);
      use_predicate(cx, e.text, e.args.size(), e.loc, true);
    });
    if (cx.diags.error_count() > before) cx.broken.insert(&r);
  }

  std::map<std::string, Loc> materialized_at;
  for (const auto& m : cx.program.tables) {
    if (is_tun(m.pred)) {
      MOZC_DIAGNOSTIC(TunMaterialized, Error, "tun is the node's tun device: packets in (a body) and out (a head); "
                      "it cannot be materialized");
      cx.diags.emit(TunMaterialized, m.pred_loc);
      continue;
    }
    if (is_local_addr(m.pred)) {
      MOZC_DIAGNOSTIC(LocalAddrMaterialized, Error, "'localAddr' is built in: a table of one row, this node's "
                      "IP address, kept by the runtime");
      cx.diags.emit(LocalAddrMaterialized, m.pred_loc);
      continue;
    }
    auto it = preds.find(m.pred);
    if (it == preds.end()) {
      MOZC_DIAGNOSTIC(UnusedTable, Error, "table '{0}' is not used by any rule; declare its fields with schema "
                      "{0}(...) to fill it from facts");
      cx.diags.emit(UnusedTable, m.pred_loc, m.pred);
      continue;
    }
    if (auto prev = materialized_at.find(m.pred); prev != materialized_at.end()) {
      MOZC_DIAGNOSTIC(MaterializedTwice, Error, "'{0}' is materialized twice");
      cx.diags.emit(MaterializedTwice, m.loc, m.pred);
      MOZC_DIAGNOSTIC(FirstMaterializedHere, Note, "first materialized here");
      cx.diags.emit(FirstMaterializedHere, prev->second);
      continue;
    }
    materialized_at[m.pred] = m.loc;
    PredInfo& p = it->second;
    p.materialized = true;
    p.lifetime = m.lifetime;
    p.max_size = m.max_size;
    p.reject_when_full = m.reject_when_full;
    p.when_full = m.when_full;
    std::set<int> seen;
    for (int k : m.keys) {
      if (k < 1 || static_cast<size_t>(k) > p.arity) {
        MOZC_DIAGNOSTIC(KeyPositionOutOfRange, Error, "key position {0} is out of range: '{1}' has {2}");
        cx.diags.emit(KeyPositionOutOfRange, m.keys_loc, k, m.pred, fields(p.arity));
        MOZC_DIAGNOSTIC(KeyTableUsedHere, Note, "'{0}' is used here");
        cx.diags.emit(KeyTableUsedHere, p.first_use, m.pred);
      } else if (!seen.insert(k).second) {
        MOZC_DIAGNOSTIC(KeyPositionListedTwice, Error, "key position {0} is listed twice");
        cx.diags.emit(KeyPositionListedTwice, m.keys_loc, k);
      } else {
        p.keys.push_back(k - 1);
      }
    }
    if (m.keys.empty())
      for (size_t i = 0; i < p.arity; ++i) p.keys.push_back(static_cast<int>(i));
    if (m.evict != Evict::Oldest) {
      if (m.evict_field < 1 || static_cast<size_t>(m.evict_field) > p.arity) {
        MOZC_DIAGNOSTIC(EvictFieldOutOfRange, Error, "evict field {0} is out of range: '{1}' has {2}");
        cx.diags.emit(EvictFieldOutOfRange, m.evict_loc, m.evict_field, m.pred, fields(p.arity));
      } else if (m.max_size < 0) {
        MOZC_DIAGNOSTIC(EvictWithoutMaxSize, Error, "'{0}' has no maximum size, so it never evicts: give it a "
                        "size or drop the evict policy");
        cx.diags.emit(EvictWithoutMaxSize, m.evict_loc, m.pred);
      } else {
        p.evict = m.evict;
        p.evict_field = m.evict_field - 1;
      }
    }
  }

  for (const auto& b : cx.program.best_effort) {
    auto it = preds.find(b.pred);
    MOZC_DIAGNOSTIC(BestEffortUnknownPredicate, Error, "best_effort names unknown predicate '{0}'");
    if (it == preds.end()) cx.diags.emit(BestEffortUnknownPredicate, b.loc, b.pred);
    else it->second.best_effort = true;
  }

  check_runtime_local_addr(cx);
  check_tun(cx);
  check_data_planes(cx);
  for (const auto& name : cx.program.immediate)
    if (auto it = preds.find(name); it != preds.end()) it->second.immediate = true;

  for (auto& r : cx.program.rules) {
    for (auto& t : r.body) {
      if (t.kind != BodyTerm::Kind::Atom || is_periodic(t.atom.pred)) continue;
      const PredInfo& p = preds[t.atom.pred];
      bool declared = false;
      for (const auto& s : cx.program.schemas) declared |= s.pred == p.name;
      // The runtime itself derives ov.send (LocSpecDemux) and ov.recv (from the network).
      bool data_plane = !data_plane_overlay(p.name, "send").empty() || !data_plane_overlay(p.name, "recv").empty();
      if (!p.materialized && !p.derived && !declared && !data_plane && !is_tun(p.name)) {
        MOZC_DIAGNOSTIC(UnknownPredicate, Error, "unknown predicate '{0}': no rule derives it and it is not "
                        "materialized (declare schema {0}(...) if it only comes from facts)");
        cx.diags.emit(UnknownPredicate, t.atom.loc, t.atom.pred);
      }
    }
  }
}

}  // namespace mozc
