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
    MOZC_DIAGNOSTIC(DeleteFact, Error, "a delete needs a body: a fact cannot be deleted at start-up");
    if (r_.is_delete) cx_.diags.emit(DeleteFact, r_.loc);
    for (const auto& a : r_.head.args) {
      MOZC_DIAGNOSTIC(FactNotGround, Error, "a fact must be ground: its fields must be literals");
      if (!a->is_constant()) cx_.diags.emit(FactNotGround, a->loc);
    }
    MOZC_DIAGNOSTIC(FactLocationNotLiteral, Error, "a fact's location must be a literal address");
    if (r_.head.at && !r_.head.at->is_constant())
      cx_.diags.emit(FactLocationNotLiteral, r_.head.at->loc);
  }

  // Atom arguments bind variables; they must be variables, wildcards or literals.
  void body_atoms() {
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Atom) continue;
      if (t.atom.at) {
        MOZC_DIAGNOSTIC(BodyLocationNotVariable, Error, "a body location specifier must be a variable or an "
                        "address literal");
        if (t.atom.at->is_var()) bound_.insert(t.atom.at->text);
        else if (!t.atom.at->is_constant())
          cx_.diags.emit(BodyLocationNotVariable, t.atom.at->loc);
      }
      for (const auto& a : t.atom.args) {
        MOZC_DIAGNOSTIC(BodyFieldComputed, Error, "fields of a body predicate must be variables, '_' or "
                        "literals; compute values with ':=' and compare with '=='");
        if (a->is_var()) bound_.insert(a->text);
        else if (a->kind != ExprKind::Wildcard && !a->is_constant())
          cx_.diags.emit(BodyFieldComputed, a->loc);
      }
    }
  }

  void assignments() {
    std::set<std::string> assigned;
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Assign) continue;
      if (bound_.count(t.var) && !assigned.count(t.var)) {
        MOZC_DIAGNOSTIC(AssignToBoundVariable, Error, "variable {0} is already bound by a predicate; use '==' "
                        "to compare");
        cx_.diags.emit(AssignToBoundVariable, t.loc, t.var);
      } else if (!assigned.insert(t.var).second) {
        MOZC_DIAGNOSTIC(VariableAssignedTwice, Error, "variable {0} is assigned twice");
        cx_.diags.emit(VariableAssignedTwice, t.loc, t.var);
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
        MOZC_DIAGNOSTIC(WildcardInHead, Error, "'_' cannot appear in a rule head");
        cx_.diags.emit(WildcardInHead, a->loc);
        continue;
      }
      if (a->kind == ExprKind::Aggregate) {
        MOZC_DIAGNOSTIC(TwoAggregatesInHead, Error, "a rule head may hold one aggregate");
        if (++aggregates > 1) cx_.diags.emit(TwoAggregatesInHead, a->loc);
        MOZC_DIAGNOSTIC(DeleteAggregates, Error, "a delete rule cannot aggregate");
        if (r_.is_delete) cx_.diags.emit(DeleteAggregates, a->loc);
        MOZC_DIAGNOSTIC(AggregateLocation, Error, "the location field cannot be an aggregate");
        if (h.ndlog_located && a == h.args[0]) cx_.diags.emit(AggregateLocation, a->loc);
      }
      report_unbound(*a);
    }
    for_each_tuple_value(r_, [&](Expr& t) {
      for (const auto& f : t.args) {
        MOZC_DIAGNOSTIC(WildcardInTupleValue, Error, "'_' cannot be a field of a tuple value");
        if (f->kind == ExprKind::Wildcard) cx_.diags.emit(WildcardInTupleValue, f->loc);
        MOZC_DIAGNOSTIC(AggregateInTupleValue, Error, "an aggregate cannot be a field of a tuple value; compute "
                        "it with a rule of its own");
        if (f->kind == ExprKind::Aggregate)
          cx_.diags.emit(AggregateInTupleValue, f->loc);
      }
    });
    if (aggregates) {
      MOZC_DIAGNOSTIC(GroupFieldComputed, Error, "the group fields of an aggregate rule must be variables or "
                      "literals");
      for (const auto& a : h.args)
        if (a->kind != ExprKind::Aggregate && !a->is_var() && !a->is_constant())
          cx_.diags.emit(GroupFieldComputed, a->loc);
    }
    const PredInfo& p = cx_.preds.at(h.pred);
    MOZC_DIAGNOSTIC(DeleteEvent, Error, "delete needs a materialized table, and '{0}' is an event");
    if (r_.is_delete && !p.materialized)
      cx_.diags.emit(DeleteEvent, h.loc, h.pred);
  }

  void events() {
    const Atom* first = nullptr;
    for (const auto& t : r_.body) {
      if (t.kind != BodyTerm::Kind::Atom) continue;
      bool event = is_event(cx_.preds, t.atom.pred);
      if (!event) continue;
      if (first) {
        MOZC_DIAGNOSTIC(TwoEventsInBody, Error, "a rule may read at most one event, and '{0}' is the second "
                        "(events are not stored, so two never meet)");
        cx_.diags.emit(TwoEventsInBody, t.atom.loc, t.atom.pred);
        MOZC_DIAGNOSTIC(FirstEventHere, Note, "the first event is '{0}'");
        cx_.diags.emit(FirstEventHere, first->loc, first->pred);
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
      MOZC_DIAGNOSTIC(UnboundVariable, Error, "unsafe rule: variable {0} is not bound by the body");
      if (!bound_.count(v->text) && reported_.insert(v->text).second)
        cx_.diags.emit(UnboundVariable, v->loc, v->text);
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
      MOZC_DIAGNOSTIC(RuleNameUsedTwice, Error, "rule name '{0}' is used twice");
      cx.diags.emit(RuleNameUsedTwice, r.loc, r.name);
      MOZC_DIAGNOSTIC(RuleNameFirstUsedHere, Note, "first used here");
      cx.diags.emit(RuleNameFirstUsedHere, it->second);
    }
    if (cx.broken.count(&r)) continue;  // its atoms are malformed: nothing more to learn
    int before = cx.diags.error_count();
    RuleChecker(cx, r).run();
    if (cx.diags.error_count() > before) cx.broken.insert(&r);
  }
}

}  // namespace mozc
