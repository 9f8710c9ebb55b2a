// Pass 1 of the checker: which predicates exist, their arities, and what the
// materialize / schema / best_effort declarations say about them.
#include <set>

#include "check/check_context.hpp"

namespace mozc {

namespace {

std::string fields(size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

// The tun device and TCP socket predicates of paper §4.6: reserved names, so
// that a program using them fails clearly instead of making events of them.
bool is_unsupported_special(const std::string& pred) { return pred == "tun" || pred.rfind("tcp.", 0) == 0; }

void check_periodic_form(CheckContext& cx, const Atom& a, bool is_head) {
  if (is_head) {
    cx.diags.error(a.loc, "'periodic' is a built-in event; rules cannot derive it");
    return;
  }
  size_t data = a.args.size() - (a.ndlog_located ? 1 : 0);
  if (data < 2 || data > 3) {
    cx.diags.error(a.loc, "periodic takes (E, Seconds) or (E, Seconds, Count), optionally after @Node");
    return;
  }
  size_t first = a.ndlog_located ? 1 : 0;
  if (!a.args[first]->is_var() && a.args[first]->kind != ExprKind::Wildcard)
    cx.diags.error(a.args[first]->loc, "the event id of periodic must be a variable");
  for (size_t i = first + 1; i < a.args.size(); ++i) {
    const Expr& e = *a.args[i];
    bool ok = e.kind == ExprKind::Int || (i == first + 1 && e.kind == ExprKind::Float);
    if (!ok) {
      cx.diags.error(e.loc, i == first + 1 ? "the period of periodic must be a number literal or constant"
                                           : "the count of periodic must be an integer literal or constant");
    } else if (std::stod(e.text) <= 0) {
      cx.diags.error(e.loc, "the period and count of periodic must be positive");
    }
  }
}

// Records one use of `pred` with `arity` fields; every use must agree.
void use_predicate(CheckContext& cx, const std::string& pred, size_t arity, Loc loc, bool derives) {
  if (is_unsupported_special(pred))
    cx.diags.error(loc, "'" + pred + "' is one of the paper's special predicates (tun, tcp.*), which mozc does not "
                        "support yet");
  auto [it, fresh] = cx.preds.try_emplace(pred);
  PredInfo& p = it->second;
  if (fresh) {
    p.name = pred;
    p.arity = arity;
    p.first_use = loc;
  } else if (p.arity != arity) {
    cx.diags.error(loc, "'" + pred + "' has " + fields(arity) + " here but " + fields(p.arity) + " elsewhere");
    cx.diags.note(p.first_use, "first used here with " + fields(p.arity));
  }
  if (derives && is_local_addr(pred))
    cx.diags.error(loc, "'localAddr' holds this node's IP address and is kept by the runtime; rules and facts cannot "
                        "derive it (this node's address in overlay ov goes in ov.localAddr)");
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
    cx.diags.error(p.first_use, "'localAddr' holds this node's IP address and takes (Addr), not " + fields(p.arity));
    return;
  }
  p.types = {Type::of(TypeKind::Addr)};
  p.max_size = 1;
  p.keys = {0};
}

void check_overlay_local_addr(CheckContext& cx, const PredInfo& p, const std::string& ov) {
  const std::string what = "'" + p.name + "' holds this node's addresses in overlay '" + ov + "'";
  if (p.arity != 1) cx.diags.error(p.first_use, what + " and takes (Node), not " + fields(p.arity));
  if (!p.materialized)
    cx.diags.error(p.first_use, what + ", which the runtime looks up: it must be a table (materialize(" + p.name +
                                    ", infinity, infinity, keys(1)))");
  if (!cx.preds.count(send_predicate(ov)))
    cx.diags.error(p.first_use, what + ", which this program does not define (no rule uses " +
                                    send_predicate(ov) + ")");
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
    if (p.arity != want)
      cx.diags.error(p.first_use, "'" + name + "' is the data plane of overlay '" + ov + "' and takes " + shape +
                                      ", not " + fields(p.arity));
    if (p.materialized)
      cx.diags.error(p.first_use, "'" + name + "' is the data plane of overlay '" + ov +
                                      "' and must be an event; it cannot be materialized");
  }
}

}  // namespace

void collect_predicates(CheckContext& cx) {
  auto& preds = cx.preds;
  for (const auto& s : cx.program.schemas) {
    if (is_local_addr(s.pred)) {
      cx.diags.error(s.loc, "'localAddr' is built in: localAddr(addr), this node's IP address");
      continue;
    }
    if (auto it = preds.find(s.pred); it != preds.end()) {
      cx.diags.error(s.loc, "schema for '" + s.pred + "' is declared twice");
      cx.diags.note(it->second.first_use, "first declared here");
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
      if (is_periodic(e.text)) return cx.diags.error(e.loc, "'periodic' is a built-in event; rules cannot derive it");
      use_predicate(cx, e.text, e.args.size(), e.loc, true);
    });
    if (cx.diags.error_count() > before) cx.broken.insert(&r);
  }

  std::map<std::string, Loc> materialized_at;
  for (const auto& m : cx.program.tables) {
    if (is_local_addr(m.pred)) {
      cx.diags.error(m.pred_loc, "'localAddr' is built in: a table of one row, this node's IP address, kept by "
                                 "the runtime");
      continue;
    }
    auto it = preds.find(m.pred);
    if (it == preds.end()) {
      cx.diags.error(m.pred_loc, "table '" + m.pred + "' is not used by any rule; declare its fields with schema " +
                                     m.pred + "(...) to fill it from facts");
      continue;
    }
    if (auto prev = materialized_at.find(m.pred); prev != materialized_at.end()) {
      cx.diags.error(m.loc, "'" + m.pred + "' is materialized twice");
      cx.diags.note(prev->second, "first materialized here");
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
        cx.diags.error(m.keys_loc, "key position " + std::to_string(k) + " is out of range: '" + m.pred + "' has " +
                                       fields(p.arity));
        cx.diags.note(p.first_use, "'" + m.pred + "' is used here");
      } else if (!seen.insert(k).second) {
        cx.diags.error(m.keys_loc, "key position " + std::to_string(k) + " is listed twice");
      } else {
        p.keys.push_back(k - 1);
      }
    }
    if (m.keys.empty())
      for (size_t i = 0; i < p.arity; ++i) p.keys.push_back(static_cast<int>(i));
    if (m.evict != Evict::Oldest) {
      if (m.evict_field < 1 || static_cast<size_t>(m.evict_field) > p.arity) {
        cx.diags.error(m.evict_loc, "evict field " + std::to_string(m.evict_field) + " is out of range: '" + m.pred +
                                        "' has " + fields(p.arity));
      } else if (m.max_size < 0) {
        cx.diags.error(m.evict_loc, "'" + m.pred + "' has no maximum size, so it never evicts: give it a size or "
                                        "drop the evict policy");
      } else {
        p.evict = m.evict;
        p.evict_field = m.evict_field - 1;
      }
    }
  }

  for (const auto& b : cx.program.best_effort) {
    auto it = preds.find(b.pred);
    if (it == preds.end()) cx.diags.error(b.loc, "best_effort names unknown predicate '" + b.pred + "'");
    else it->second.best_effort = true;
  }

  check_runtime_local_addr(cx);
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
      if (!p.materialized && !p.derived && !declared && !data_plane) {
        cx.diags.error(t.atom.loc, "unknown predicate '" + t.atom.pred +
                                       "': no rule derives it and it is not materialized (declare "
                                       "schema " + t.atom.pred + "(...) if it only comes from facts)");
      }
    }
  }
}

}  // namespace mozc
