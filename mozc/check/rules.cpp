// Pass 3 of the checker: per-rule checks that need types and schemas —
// safety (every variable the head or a computation uses is bound by the
// body), facts are ground, aggregates sit in heads, at most one event per body,
// delete rules name tables.
#include <map>
#include <set>

#include "ast/visit.hpp"
#include "check/check_context.hpp"

namespace mozc {

namespace {

class RuleChecker {
 public:
  RuleChecker(CheckContext& cx, Rule& r) : cx_(cx), r_(r) {}

  void run() {
    if (r_.is_fact()) return fact();
    body_atoms();
    assignments();
    selections();
    head();
    events();
  }

 private:
  void fact() {
    if (r_.is_delete) cx_.diags.error(r_.loc, "a delete needs a body: a fact cannot be deleted at start-up");
    for (const auto& a : r_.head.args) {
      if (!a->is_constant()) cx_.diags.error(a->loc, "a fact must be ground: its fields must be literals");
    }
    if (r_.head.at && !r_.head.at->is_constant())
      cx_.diags.error(r_.head.at->loc, "a fact's location must be a literal address");
  }

  // Atom arguments bind variables; they must be variables, wildcards or literals.
  void body_atoms() {
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Atom) continue;
      if (t.atom.at) {
        if (t.atom.at->is_var()) bound_.insert(t.atom.at->text);
        else if (!t.atom.at->is_constant())
          cx_.diags.error(t.atom.at->loc, "a body location specifier must be a variable or an address literal");
      }
      for (const auto& a : t.atom.args) {
        if (a->is_var()) bound_.insert(a->text);
        else if (a->kind != ExprKind::Wildcard && !a->is_constant())
          cx_.diags.error(a->loc, "fields of a body predicate must be variables, '_' or literals; "
                                  "compute values with ':=' and compare with '=='");
      }
    }
  }

  void assignments() {
    std::set<std::string> assigned;
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Assign) continue;
      if (bound_.count(t.var) && !assigned.count(t.var)) {
        cx_.diags.error(t.loc, "variable " + t.var + " is already bound by a predicate; use '==' to compare");
      } else if (!assigned.insert(t.var).second) {
        cx_.diags.error(t.loc, "variable " + t.var + " is assigned twice");
      }
    }
    // Assignments may use each other in any order: bind until nothing changes.
    bool changed = true;
    std::set<const BodyTerm*> done;
    while (changed) {
      changed = false;
      for (const auto& t : r_.body) {
        if (t.kind != BodyTerm::Kind::Assign || done.count(&t)) continue;
        if (all_bound(*t.expr)) {
          bound_.insert(t.var);
          done.insert(&t);
          changed = true;
        }
      }
    }
    for (const auto& t : r_.body)
      if (t.kind == BodyTerm::Kind::Assign && !done.count(&t)) report_unbound(*t.expr);
  }

  void selections() {
    for (const auto& t : r_.body)
      if (t.kind == BodyTerm::Kind::Cond) report_unbound(*t.expr);
  }

  void head() {
    const Atom& h = r_.head;
    if (h.at) report_unbound(*h.at);
    int aggregates = 0;
    for (const auto& a : h.args) {
      if (a->kind == ExprKind::Wildcard) {
        cx_.diags.error(a->loc, "'_' cannot appear in a rule head");
        continue;
      }
      if (a->kind == ExprKind::Aggregate) {
        if (++aggregates > 1) cx_.diags.error(a->loc, "a rule head may hold one aggregate");
        if (r_.is_delete) cx_.diags.error(a->loc, "a delete rule cannot aggregate");
        if (h.ndlog_located && a == h.args[0]) cx_.diags.error(a->loc, "the location field cannot be an aggregate");
      }
      report_unbound(*a);
    }
    for_each_tuple_value(r_, [&](Expr& t) {
      for (const auto& f : t.args) {
        if (f->kind == ExprKind::Wildcard) cx_.diags.error(f->loc, "'_' cannot be a field of a tuple value");
        if (f->kind == ExprKind::Aggregate)
          cx_.diags.error(f->loc, "an aggregate cannot be a field of a tuple value; compute it with a rule of its own");
      }
    });
    if (aggregates) {
      for (const auto& a : h.args)
        if (a->kind != ExprKind::Aggregate && !a->is_var() && !a->is_constant())
          cx_.diags.error(a->loc, "the group fields of an aggregate rule must be variables or literals");
    }
    const PredInfo& p = cx_.preds.at(h.pred);
    if (r_.is_delete && !p.materialized)
      cx_.diags.error(h.loc, "delete needs a materialized table, and '" + h.pred + "' is an event");
  }

  void events() {
    const Atom* first = nullptr;
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Atom) continue;
      bool event = is_event(cx_.preds, t.atom.pred);
      if (!event) continue;
      if (first) {
        cx_.diags.error(t.atom.loc, "a rule may read at most one event, and '" + t.atom.pred +
                                        "' is the second (events are not stored, so two never meet)");
        cx_.diags.note(first->loc, "the first event is '" + first->pred + "'");
      } else {
        first = &t.atom;
      }
    }
  }

  bool all_bound(const Expr& e) const {
    for (const Expr* v : variable_uses(e))
      if (!bound_.count(v->text)) return false;
    return true;
  }

  void report_unbound(const Expr& e) {
    for (const Expr* v : variable_uses(e)) {
      if (!bound_.count(v->text) && reported_.insert(v->text).second)
        cx_.diags.error(v->loc, "unsafe rule: variable " + v->text + " is not bound by the body");
    }
  }

  CheckContext& cx_;
  Rule& r_;
  std::set<std::string> bound_;
  std::set<std::string> reported_;
};

}  // namespace

void check_rules(CheckContext& cx) {
  std::map<std::string, Loc> names;
  for (auto& r : cx.program.rules) {
    auto [it, fresh] = names.try_emplace(r.name, r.loc);
    if (!fresh) {
      cx.diags.error(r.loc, "rule name '" + r.name + "' is used twice");
      cx.diags.note(it->second, "first used here");
    }
    if (cx.broken.count(&r)) continue;  // its atoms are malformed: nothing more to learn
    int before = cx.diags.error_count();
    RuleChecker(cx, r).run();
    if (cx.diags.error_count() > before) cx.broken.insert(&r);
  }
}

}  // namespace mozc
