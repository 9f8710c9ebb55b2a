// Shared state of the checker's passes (internal to mozc/check).
#pragma once

#include <map>
#include <set>
#include <string>

#include "check/program_info.hpp"
#include "diag/diagnostics.hpp"

namespace mozc {

struct CheckContext {
  Program& program;
  std::map<std::string, PredInfo>& preds;
  Diagnostics& diags;
  // Rules already reported as wrong. Later passes still check the others, so
  // one run reports independent errors of every kind, but skip these: what
  // they would add (types, say) follows from a mistake already reported.
  std::set<const Rule*> broken;
  int errors_before_types = 0;  // errors reported before type inference began
};

void collect_predicates(CheckContext& cx);  // arities, declarations, unknown predicates
void infer_types(CheckContext& cx);         // every attribute and expression gets a type
void check_rules(CheckContext& cx);         // safety, aggregates, events, facts, deletes
void check_sockets_stay(CheckContext& cx);  // after types: no socket is sent to another node

// Calls f(atom, is_head) for every predicate atom of the rule, head first.
template <class F>
void for_each_atom(Rule& r, F&& f) {
  f(r.head, true);
  for (auto& t : r.body)
    if (t.kind == BodyTerm::Kind::Atom) f(t.atom, false);
}

// Calls f(expr) for every tuple value p(...) built in the rule's head: a head
// field, or a field of another tuple value (the parser allows them nowhere else).
template <class F>
void for_each_tuple_value(Rule& r, F&& f) {
  auto walk = [&](auto& self, Expr& e) -> void {
    if (e.kind != ExprKind::TupleCons) return;
    f(e);
    for (auto& a : e.args) self(self, *a);
  };
  for (auto& a : r.head.args) walk(walk, *a);
}

}  // namespace mozc
