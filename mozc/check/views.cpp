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

bool is_this(const std::string& pred) { return pred.rfind("this.", 0) == 0; }

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
        diags_.error(v.name_loc, "view '" + v.name + "' is defined twice");
        diags_.note(it->second->name_loc, "first defined here");
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
    for (const auto* list : {&v.inputs, &v.outputs})
      for (const auto& name : *list)
        if (!params.insert(name).second) diags_.error(v.name_loc, "parameter " + name + " of view '" + v.name + "' is listed twice");
    if (!v.defaults.empty() && v.defaults.size() != v.outputs.size())
      diags_.error(v.defaults_loc, "view '" + v.name + "' has " + plural(v.outputs.size(), "result") + " but " +
                                       plural(v.defaults.size(), "default"));
    if (!v.defaults.empty() && v.multi)
      diags_.error(v.defaults_loc, "a multi view ends at its timeout with the answers it got; it has no default");
    for (const auto& t : v.tables) {
      if (!is_this(t.pred)) diags_.error(t.pred_loc, "a table declared in view '" + v.name + "' must be its own: this." + t.pred);
      // Its rows belong to calls, which end; nothing else would ever remove them.
      else if (t.lifetime < 0)
        diags_.error(t.loc, "table " + t.pred + " of view '" + v.name + "' holds rows of calls, which end: give it a "
                            "finite lifetime (its rows are not removed when a call ends)");
    }
    bool answers = false;
    for (const auto& r : v.rules) {
      answers |= r.head.pred == "this.return";
      if (is_this(r.head.pred) && !r.is_fact()) {
        bool has_context = false;
        for (const auto& t : r.body) has_context |= t.kind == BodyTerm::Kind::Atom && is_this(t.atom.pred);
        if (!has_context)
          diags_.error(r.head.loc, "rule " + r.name + " derives " + r.head.pred +
                                       " but reads no this.* predicate, so it cannot know which call it serves");
      }
    }
    if (!answers) diags_.error(v.name_loc, "view '" + v.name + "' never answers: no rule derives this.return(...)");
  }

  void rule(const Rule& r, const ViewDef* in_view) {
    this_atom(r.head, true, in_view);
    if (views_.count(r.head.pred)) diags_.error(r.head.loc, "'" + r.head.pred + "' is a view: call it in a rule body, rules cannot derive it");
    for (const auto& a : r.head.args) {
      if (a->kind == ExprKind::Result) diags_.error(a->loc, "'&' marks the result of a view call in a rule body, not a head field");
      tuple_value(*a);
    }
    // The rule resumes once per answer, an event each time: an aggregate head
    // would aggregate one answer at a time, never the answers of several calls.
    if (const Expr* agg = find_aggregate(r.head)) {
      for (const auto& t : r.body) {
        if (t.kind != BodyTerm::Kind::Atom || !views_.count(t.atom.pred)) continue;
        diags_.error(agg->loc, "rule " + r.name + " calls view '" + t.atom.pred + "', so its head cannot aggregate: the "
                                   "rule goes on once per answer; store the answers in a table and aggregate over that");
        diags_.note(t.atom.loc, "'" + t.atom.pred + "' is called here");
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
        for (const auto& x : a.args)
          if (x->kind == ExprKind::Result)
            diags_.error(x->loc, "'&' marks the result of a view call, but '" + a.pred + "' is not a view (no def " + a.pred + ")");
        if (after_call && a.pred != "periodic" && !tables_.count(a.pred) && !is_this(a.pred))
          diags_.error(a.loc, "after a view call the rule goes on when the answer arrives (an event), so it can read only tables; '" +
                                  a.pred + "' is an event");
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
    if (views_.count(e.text)) diags_.error(e.loc, "'" + e.text + "' is a view: call it in a rule body, a tuple value cannot be one");
    if (is_this(e.text))
      diags_.error(e.loc, "a tuple value cannot be a view's own predicate '" + e.text + "'; derive it with a rule instead");
    for (const auto& a : e.args) tuple_value(*a);
  }

  void call(const Atom& a, const ViewDef& v, const std::set<std::string>& bound) {
    size_t n = v.inputs.size(), m = v.outputs.size();
    if (a.ndlog_located) diags_.error(a.loc, "call a view at a node as " + a.pred + "@Node(...), not with '@' inside the arguments");
    if (a.args.size() != n + m) {
      diags_.error(a.loc, "view '" + v.name + "' takes " + plural(n, "input") + " and " + plural(m, "result") + " (&R), not " +
                              plural(a.args.size(), "argument"));
      diags_.note(v.name_loc, "'" + v.name + "' is defined here");
      return;
    }
    for (size_t i = 0; i < a.args.size(); ++i) {
      const Expr& x = *a.args[i];
      if (i < n && x.kind == ExprKind::Result)
        diags_.error(x.loc, "argument " + std::to_string(i + 1) + " of '" + v.name + "' is the input " + v.inputs[i] + ", not a result");
      if (i >= n && x.kind != ExprKind::Result)
        diags_.error(x.loc, "argument " + std::to_string(i + 1) + " of '" + v.name + "' is the result &" + v.outputs[i - n] +
                                "; write &Var or &_");
      if (i < n) given_input(x, bound, "input " + v.inputs[i] + " of " + v.name, "its inputs");
    }
    if (a.at) given_input(*a.at, bound, "the node " + v.name + " is called at", "the node it runs at");
  }

  void given_input(const Expr& e, const std::set<std::string>& bound, const std::string& what, const std::string& needs) {
    if (const Expr* w = find_wildcard(e)) {
      diags_.error(w->loc, "'_' cannot be " + what + ": a view call needs it bound (a variable bound before "
                               "the call, or a literal); '_' only drops results, as &_");
      return;
    }
    unbound_inputs(e, bound, what, needs);
  }

  void unbound_inputs(const Expr& e, const std::set<std::string>& bound, const std::string& what, const std::string& needs) {
    std::set<std::string> vs;
    add_variables(e, vs);
    for (const auto& v : vs)
      if (!bound.count(v))
        diags_.error(e.loc, "variable " + v + " in " + what + " is not bound before the call; a view call needs " +
                                needs + " bound by the terms before it");
  }

  void this_atom(const Atom& a, bool head, const ViewDef* in_view) {
    if (!is_this(a.pred)) return;
    if (!in_view) {
      diags_.error(a.loc, "'" + a.pred + "' names a view's own predicate; it is only meaningful inside a def");
      return;
    }
    if (a.pred == "this.init") {
      if (head) diags_.error(a.loc, "this.init is the call itself; rules cannot derive it");
      else if (a.args.size() != in_view->inputs.size())
        diags_.error(a.loc, "this.init of view '" + in_view->name + "' has " + plural(in_view->inputs.size(), "field") +
                                " (its inputs), not " + std::to_string(a.args.size()));
      if (a.at || a.ndlog_located) diags_.error(a.loc, "this.init is where the call arrives; it takes no location");
    }
    if (a.pred == "this.return") {
      if (!head) diags_.error(a.loc, "this.return answers the call; rules cannot read it");
      else if (a.args.size() != in_view->outputs.size())
        diags_.error(a.loc, "this.return of view '" + in_view->name + "' returns " + plural(in_view->outputs.size(), "value") +
                                ", not " + std::to_string(a.args.size()));
      if (a.at || a.ndlog_located) diags_.error(a.loc, "this.return goes back to the caller by itself; it takes no location");
    }
    if (a.ndlog_located) diags_.error(a.loc, "a view's own predicates take the Mozlog location form this.X@Node(...)");
  }

  const Program& p_;
  Diagnostics& diags_;
  std::map<std::string, const ViewDef*> views_;
  std::set<std::string> tables_;
};

}  // namespace

bool check_views(const Program& program, Diagnostics& diags) { return ViewChecker(program, diags).run(); }

}  // namespace mozc
