// Pass 1 of the checker: which predicates exist, their arities, and what the
// materialize / schema / best_effort declarations say about them.
#include <set>

#include "check/check_context.hpp"

namespace mozc {

namespace {

std::string fields(size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

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

// ov.send(Dest, Packet) and ov.recv(Packet) have fixed shapes, and are events:
// the runtime creates and consumes them once per packet (LocSpecDemux, OverlayRecvUnwrap).
void check_data_planes(CheckContext& cx) {
  for (const auto& [name, p] : cx.preds) {
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
    for_each_atom(r, [&](Atom& a, bool is_head) {
      if (is_periodic(a.pred)) return check_periodic_form(cx, a, is_head);
      auto [it, fresh] = preds.try_emplace(a.pred);
      PredInfo& p = it->second;
      if (fresh) {
        p.name = a.pred;
        p.arity = a.args.size();
        p.first_use = a.loc;
      } else if (p.arity != a.args.size()) {
        cx.diags.error(a.loc, "'" + a.pred + "' has " + fields(a.args.size()) + " here but " + fields(p.arity) +
                                  " elsewhere");
        cx.diags.note(p.first_use, "first used here with " + fields(p.arity));
      }
      if (is_head) p.derived = true;
      if (a.ndlog_located) p.ndlog_located = true;
    });
  }

  std::map<std::string, Loc> materialized_at;
  for (const auto& m : cx.program.tables) {
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
    if (m.lifetime == 0) cx.diags.error(m.loc, "the lifetime of '" + m.pred + "' must be positive or infinity");
    if (m.max_size == 0) cx.diags.error(m.loc, "the maximum size of '" + m.pred + "' must be positive or infinity");
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
