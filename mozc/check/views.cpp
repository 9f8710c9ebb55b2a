// CView checks (paper §4.5), on the program as written, before the views are
// expanded into rules: definitions, this.init / this.return, call arities,
// and the binding pattern of every call (its inputs and location bound by the
// terms before it).
#include "check/views.hpp"

#include <map>
#include <set>

#include "ast/visit.hpp"

namespace mozc {

namespace {

const Expr* find_wildcard(const Expr& e) {
  if (e.kind == ExprKind::Wildcard) return &e;
  for (const auto& a : e.args)
    if (const Expr* w = find_wildcard(*a)) return w;
  return nullptr;
}

const Expr* find_aggregate(const Atom& head) {
  for (const auto& a : head.args)
    if (a->kind == ExprKind::Aggregate) return a.get();
  return nullptr;
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

class ViewChecker {
 public:
  ViewChecker(const Program& p, Diagnostics& diags) : p_(p), diags_(diags) {}

  bool run() {
    for (const auto& t : p_.tables) tables_.insert(t.pred);
    for (const auto& v : p_.views) {
      auto [it, fresh] = views_.emplace(v.name, &v);
      if (!fresh) {
        MOZC_DIAGNOSTIC(ViewDefinedTwice, Error, "view '{0}' is defined twice");
        diags_.emit(ViewDefinedTwice, v.name_loc, v.name);
        MOZC_DIAGNOSTIC(ViewFirstDefinedHere, Note, "first defined here");
        diags_.emit(ViewFirstDefinedHere, it->second->name_loc);
      }
      for (const auto& t : v.tables) tables_.insert(t.pred);
    }
    for (const auto& v : p_.views) definition(v);
    for (const auto& r : p_.rules) rule(r, nullptr);
    for (const auto& v : p_.views)
      for (const auto& r : v.rules) rule(r, &v);
    return !diags_.has_errors();
  }

 private:
  void definition(const ViewDef& v) {
    std::set<std::string> params;
    MOZC_DIAGNOSTIC(ViewParameterTwice, Error, "parameter {0} of view '{1}' is listed twice");
    for (const auto* list : {&v.inputs, &v.outputs})
      for (const auto& name : *list)
        if (!params.insert(name).second) diags_.emit(ViewParameterTwice, v.name_loc, name, v.name);
    MOZC_DIAGNOSTIC(ViewDefaultsCount, Error, "view '{0}' has {1} but {2}");
    if (!v.defaults.empty() && v.defaults.size() != v.outputs.size())
      diags_.emit(ViewDefaultsCount, v.defaults_loc, v.name, plural(v.outputs.size(), "result"),
                  plural(v.defaults.size(), "default"));
    MOZC_DIAGNOSTIC(MultiViewDefault, Error, "a multi view ends at its timeout with the answers it got; it has "
                    "no default");
    if (!v.defaults.empty() && v.multi)
      diags_.emit(MultiViewDefault, v.defaults_loc);
    for (const auto& t : v.tables) {
      MOZC_DIAGNOSTIC(ViewTableNotOwn, Error, "a table declared in view '{0}' must be its own: this.{1}");
      MOZC_DIAGNOSTIC(ViewTableInfiniteLifetime, Error, "table {0} of view '{1}' holds rows of calls, which "
                      "end: give it a finite lifetime (its rows are not removed when a call ends)");
      if (!is_this(t.pred)) diags_.emit(ViewTableNotOwn, t.pred_loc, v.name, t.pred);
      // Its rows belong to calls, which end; nothing else would ever remove them.
      else if (t.lifetime < 0)
        diags_.emit(ViewTableInfiniteLifetime, t.loc, t.pred, v.name);
    }
    bool answers = false;
    for (const auto& r : v.rules) {
      answers |= r.head.pred == "this.return";
      if (is_this(r.head.pred) && !r.is_fact()) {
        bool has_context = false;
        for (const auto& t : r.body) has_context |= t.kind == BodyTerm::Kind::Atom && is_this(t.atom.pred);
        MOZC_DIAGNOSTIC(ViewRuleWithoutThis, Error, "rule {0} derives {1} but reads no this.* predicate, so it "
                        "cannot know which call it serves");
        if (!has_context)
          diags_.emit(ViewRuleWithoutThis, r.head.loc, r.name, r.head.pred);
      }
    }
    MOZC_DIAGNOSTIC(ViewNeverAnswers, Error, "view '{0}' never answers: no rule derives this.return(...)");
    if (!answers && !v.builtin) diags_.emit(ViewNeverAnswers, v.name_loc, v.name);
  }

  void rule(const Rule& r, const ViewDef* in_view) {
    this_atom(r.head, true, in_view);
    MOZC_DIAGNOSTIC(ViewDerived, Error, "'{0}' is a view: call it in a rule body, rules cannot derive it");
    if (views_.count(r.head.pred)) diags_.emit(ViewDerived, r.head.loc, r.head.pred);
    for (const auto& a : r.head.args) {
      MOZC_DIAGNOSTIC(ResultMarkInHead, Error, "'&' marks the result of a view call in a rule body, not a head "
                      "field");
      if (a->kind == ExprKind::Result) diags_.emit(ResultMarkInHead, a->loc);
      tuple_value(*a);
    }
    // The rule resumes once per answer, an event each time: an aggregate head
    // would aggregate one answer at a time, never the answers of several calls.
    if (const Expr* agg = find_aggregate(r.head)) {
      for (const auto& t : r.body) {
        if (t.kind != BodyTerm::Kind::Atom || !views_.count(t.atom.pred)) continue;
        MOZC_DIAGNOSTIC(AggregateOverViewCall, Error, "rule {0} calls view '{1}', so its head cannot aggregate: "
                        "the rule goes on once per answer; store the answers in a table and aggregate over that");
        diags_.emit(AggregateOverViewCall, agg->loc, r.name, t.atom.pred);
        MOZC_DIAGNOSTIC(ViewCalledHere, Note, "'{0}' is called here");
        diags_.emit(ViewCalledHere, t.atom.loc, t.atom.pred);
        break;
      }
    }
    std::set<std::string> bound;
    bool after_call = false;
    // The terms before the first call (or all of them) bind together: within a
    // segment, order does not matter; a call sees what the segments before it bind.
    std::set<std::string> segment;
    auto close_segment = [&] { bound.insert(segment.begin(), segment.end()); segment.clear(); };
    for (const auto& t : r.body) {
      if (t.kind == BodyTerm::Kind::Assign) {
        segment.insert(t.var);
        continue;
      }
      if (t.kind == BodyTerm::Kind::Cond) continue;
      const Atom& a = t.atom;
      this_atom(a, false, in_view);
      auto view = views_.find(a.pred);
      if (view == views_.end()) {
        MOZC_DIAGNOSTIC(ResultMarkOnNonView, Error, "'&' marks the result of a view call, but '{0}' is not a "
                        "view (no def {0})");
        for (const auto& x : a.args)
          if (x->kind == ExprKind::Result)
            diags_.emit(ResultMarkOnNonView, x->loc, a.pred);
        MOZC_DIAGNOSTIC(EventAfterViewCall, Error, "after a view call the rule goes on when the answer arrives "
                        "(an event), so it can read only tables; '{0}' is an event");
        if (after_call && a.pred != "periodic" && !tables_.count(a.pred) && !is_this(a.pred))
          diags_.emit(EventAfterViewCall, a.loc, a.pred);
        std::set<std::string> vs;
        add_variables(a, vs);
        segment.insert(vs.begin(), vs.end());
        continue;
      }
      close_segment();
      call(a, *view->second, bound);
      for (size_t i = view->second->inputs.size(); i < a.args.size(); ++i)
        if (a.args[i]->kind == ExprKind::Result) add_variables(*a.args[i], bound);
      after_call = true;
    }
  }

  // A tuple value p(...) in a head is a p that some node derives when it is
  // unwrapped: like a head, it cannot be a view, nor a view's own predicate
  // (whose calls' context, added when views are expanded, a value does not carry).
  void tuple_value(const Expr& e) {
    if (e.kind != ExprKind::TupleCons) return;
    MOZC_DIAGNOSTIC(ViewAsTupleValue, Error, "'{0}' is a view: call it in a rule body, a tuple value cannot be "
                    "one");
    if (views_.count(e.text)) diags_.emit(ViewAsTupleValue, e.loc, e.text);
    MOZC_DIAGNOSTIC(ViewPredicateAsTupleValue, Error, "a tuple value cannot be a view's own predicate '{0}'; "
                    "derive it with a rule instead");
    if (is_this(e.text))
      diags_.emit(ViewPredicateAsTupleValue, e.loc, e.text);
    for (const auto& a : e.args) tuple_value(*a);
  }

  void call(const Atom& a, const ViewDef& v, const std::set<std::string>& bound) {
    size_t n = v.inputs.size(), m = v.outputs.size();
    MOZC_DIAGNOSTIC(ViewCallNdlogLocation, Error, "call a view at a node as {0}@Node(...), not with '@' inside "
                    "the arguments");
    if (a.ndlog_located) diags_.emit(ViewCallNdlogLocation, a.loc, a.pred);
    if (a.args.size() != n + m) {
      MOZC_DIAGNOSTIC(ViewCallArity, Error, "view '{0}' takes {1} and {2} (&R), not {3}");
      diags_.emit(ViewCallArity, a.loc, v.name, plural(n, "input"), plural(m, "result"),
                  plural(a.args.size(), "argument"));
      MOZC_DIAGNOSTIC(ViewDefinedHere, Note, "'{0}' is defined here");
      diags_.emit(ViewDefinedHere, v.name_loc, v.name);
      return;
    }
    for (size_t i = 0; i < a.args.size(); ++i) {
      const Expr& x = *a.args[i];
      MOZC_DIAGNOSTIC(ResultForViewInput, Error, "argument {0} of '{1}' is the input {2}, not a result");
      if (i < n && x.kind == ExprKind::Result)
        diags_.emit(ResultForViewInput, x.loc, i + 1, v.name, v.inputs[i]);
      MOZC_DIAGNOSTIC(ViewResultNotMarked, Error, "argument {0} of '{1}' is the result &{2}; write &Var or &_");
      if (i >= n && x.kind != ExprKind::Result)
        diags_.emit(ViewResultNotMarked, x.loc, i + 1, v.name, v.outputs[i - n]);
      if (i < n) given_input(x, bound, "input " + v.inputs[i] + " of " + v.name, "its inputs");
    }
    if (a.at) given_input(*a.at, bound, "the node " + v.name + " is called at", "the node it runs at");
    // A socket means something only at its own node: so does a call on one.
    MOZC_DIAGNOSTIC(BuiltinViewLocated, Error, "'{0}' works on this node's sockets; it cannot be called at "
                    "another node (call it in a rule that runs there)");
    if (a.at && v.builtin) diags_.emit(BuiltinViewLocated, a.loc, v.name);
  }

  void given_input(const Expr& e, const std::set<std::string>& bound, const std::string& what, const std::string& needs) {
    if (const Expr* w = find_wildcard(e)) {
      MOZC_DIAGNOSTIC(WildcardViewInput, Error, "'_' cannot be {0}: a view call needs it bound (a variable "
                      "bound before the call, or a literal); '_' only drops results, as &_");
      diags_.emit(WildcardViewInput, w->loc, what);
      return;
    }
    unbound_inputs(e, bound, what, needs);
  }

  void unbound_inputs(const Expr& e, const std::set<std::string>& bound, const std::string& what, const std::string& needs) {
    std::set<std::string> vs;
    add_variables(e, vs);
    MOZC_DIAGNOSTIC(UnboundViewInput, Error, "variable {0} in {1} is not bound before the call; a view call "
                    "needs {2} bound by the terms before it");
    for (const auto& v : vs)
      if (!bound.count(v))
        diags_.emit(UnboundViewInput, e.loc, v, what, needs);
  }

  void this_atom(const Atom& a, bool head, const ViewDef* in_view) {
    if (!is_this(a.pred)) return;
    if (!in_view) {
      MOZC_DIAGNOSTIC(ThisOutsideView, Error, "'{0}' names a view's own predicate; it is only meaningful inside "
                      "a def");
      diags_.emit(ThisOutsideView, a.loc, a.pred);
      return;
    }
    if (a.pred == "this.init") {
      MOZC_DIAGNOSTIC(ThisInitDerived, Error, "this.init is the call itself; rules cannot derive it");
      MOZC_DIAGNOSTIC(ThisInitArity, Error, "this.init of view '{0}' has {1} (its inputs), not {2}");
      if (head) diags_.emit(ThisInitDerived, a.loc);
      else if (a.args.size() != in_view->inputs.size())
        diags_.emit(ThisInitArity, a.loc, in_view->name, plural(in_view->inputs.size(), "field"), a.args.size());
      MOZC_DIAGNOSTIC(ThisInitLocated, Error, "this.init is where the call arrives; it takes no location");
      if (a.at || a.ndlog_located) diags_.emit(ThisInitLocated, a.loc);
    }
    if (a.pred == "this.return") {
      MOZC_DIAGNOSTIC(ThisReturnRead, Error, "this.return answers the call; rules cannot read it");
      MOZC_DIAGNOSTIC(ThisReturnArity, Error, "this.return of view '{0}' returns {1}, not {2}");
      if (!head) diags_.emit(ThisReturnRead, a.loc);
      else if (a.args.size() != in_view->outputs.size())
        diags_.emit(ThisReturnArity, a.loc, in_view->name, plural(in_view->outputs.size(), "value"), a.args.size());
      MOZC_DIAGNOSTIC(ThisReturnLocated, Error, "this.return goes back to the caller by itself; it takes no "
                      "location");
      if (a.at || a.ndlog_located) diags_.emit(ThisReturnLocated, a.loc);
    }
    MOZC_DIAGNOSTIC(ThisNdlogLocation, Error, "a view's own predicates take the Mozlog location form "
                    "this.X@Node(...)");
    if (a.ndlog_located) diags_.emit(ThisNdlogLocation, a.loc);
  }

  const Program& p_;
  Diagnostics& diags_;
  std::map<std::string, const ViewDef*> views_;
  std::set<std::string> tables_;
};

}  // namespace

bool check_views(const Program& program, Diagnostics& diags) { return ViewChecker(program, diags).run(); }

}  // namespace mozc
