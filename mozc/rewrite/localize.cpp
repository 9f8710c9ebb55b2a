// Rule localization, as in NDlog. For
//   r2 reachable(@S,D) :- link(@S,Z), reachable(@Z,D).
// it produces
//   r2_s1 r2_ship1(@Z,S) :- link(@S,Z).          (runs at S, ships to Z)
//   r2 reachable(@S,D) :- r2_ship1(@Z,S), reachable(@Z,D).   (runs at Z)
// A body with k locations takes k-1 such steps. The shipped predicate is a
// table when the part it summarizes reads only tables (so later changes at Z
// still join with it), and an event when that part reads an event.
#include <algorithm>
#include <set>

#include "ast/visit.hpp"
#include "rewrite/rewrite.hpp"

namespace mozc {

namespace {

std::string loc_key(const Atom& a) {
  const ExprPtr& l = a.location();
  if (!l) return "";
  return l->is_var() ? l->text : "lit:" + l->text;
}

class Localizer {
 public:
  Localizer(CheckedProgram& cp, Diagnostics& diags) : cp_(cp), diags_(diags) {}

  bool run() {
    std::vector<Rule> out;
    for (auto& r : cp_.program.rules) {
      if (r.is_fact()) {
        out.push_back(std::move(r));
        continue;
      }
      split(std::move(r), out, 1);
    }
    cp_.program.rules = std::move(out);
    return ok_;
  }

 private:
  // Appends the localized form of `r` to `out`.
  void split(Rule r, std::vector<Rule>& out, int step) {
    // Location of every body atom; unlocated atoms go with the anchor group.
    std::vector<std::string> order;  // distinct located keys, in body order
    std::string event_key;
    bool has_event = false;
    for (const auto& t : r.body) {
      if (t.kind != BodyTerm::Kind::Atom) continue;
      std::string k = loc_key(t.atom);
      if (is_event(cp_.preds, t.atom.pred)) { has_event = true; event_key = k; }
      if (!k.empty() && std::find(order.begin(), order.end(), k) == order.end()) order.push_back(k);
    }
    if (order.size() <= 1) {
      out.push_back(std::move(r));
      return;
    }
    std::string anchor = has_event && !event_key.empty() ? event_key : order.front();
    auto in_anchor = [&](const BodyTerm& t) {
      std::string k = loc_key(t.atom);
      return k == anchor || k.empty();
    };

    // Variables bound at the anchor: its atoms, then the assignments they enable.
    std::set<std::string> bound;
    std::vector<const BodyTerm*> here, there;
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom && in_anchor(t))
        add_variables(t, bound);
    std::set<const BodyTerm*> evaluable;
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& t : r.body) {
        if (t.kind == BodyTerm::Kind::Atom || evaluable.count(&t)) continue;
        std::set<std::string> used;
        add_variables(*t.expr, used);
        if (std::all_of(used.begin(), used.end(), [&](auto& v) { return bound.count(v) > 0; })) {
          evaluable.insert(&t);
          if (t.kind == BodyTerm::Kind::Assign) bound.insert(t.var);
          changed = true;
        }
      }
    }
    for (const auto& t : r.body) {
      bool at_anchor = t.kind == BodyTerm::Kind::Atom ? in_anchor(t) : evaluable.count(&t) > 0;
      (at_anchor ? here : there).push_back(&t);
    }

    // The next location must be known at the anchor.
    const BodyTerm* next = nullptr;
    for (const BodyTerm* t : there) {
      if (t->kind != BodyTerm::Kind::Atom) continue;
      const ExprPtr& l = t->atom.location();
      if (l && l->is_var() && bound.count(l->text)) { next = t; break; }
    }
    if (!next) {
      for (const BodyTerm* t : there) {
        if (t->kind == BodyTerm::Kind::Atom) {
          MOZC_DIAGNOSTIC(CannotLocalizeRule, Error, "cannot localize rule {0}: the location of '{1}' is not "
                          "bound by the predicates at the rule's first location");
          diags_.emit(CannotLocalizeRule, t->atom.loc, r.name, t->atom.pred);
          break;
        }
      }
      ok_ = false;
      return;
    }
    const ExprPtr& next_loc = next->atom.location();

    // Ship the next location plus every anchor variable used later, in order of appearance.
    std::set<std::string> later_vars;
    for (const BodyTerm* t : there) add_variables(*t, later_vars);
    add_variables(r.head, later_vars);
    std::vector<std::string> ship{next_loc->text};
    for (const auto& t : r.body)
      for (auto& v : variables_in_order(t))
        if (bound.count(v) && later_vars.count(v) && std::find(ship.begin(), ship.end(), v) == ship.end())
          ship.push_back(v);

    std::string pred = fresh_pred(r.name + "_ship" + std::to_string(step));
    bool ship_is_table = std::none_of(here.begin(), here.end(), [&](const BodyTerm* t) {
      return t->kind == BodyTerm::Kind::Atom && is_event(cp_.preds, t->atom.pred);
    });
    declare_ship(pred, ship, r, here, ship_is_table);

    Atom ship_atom;
    ship_atom.loc = next->atom.loc;
    ship_atom.pred = pred;
    ship_atom.ndlog_located = true;
    for (const auto& v : ship) {
      auto e = Expr::make(ExprKind::Var, next->atom.loc, v);
      e->type = r.var_types.at(v);
      ship_atom.args.push_back(e);
    }

    Rule sender = r;
    sender.name = r.name + "_s" + std::to_string(step);
    sender.is_delete = false;
    sender.head = ship_atom;
    sender.body.clear();
    for (const BodyTerm* t : here) sender.body.push_back(*t);
    sender.derived_from = r.derived_from.empty() ? r.name : r.derived_from;
    out.push_back(std::move(sender));

    Rule rest = std::move(r);
    std::vector<BodyTerm> body;
    BodyTerm st;
    st.kind = BodyTerm::Kind::Atom;
    st.loc = ship_atom.loc;
    st.atom = ship_atom;
    body.push_back(std::move(st));
    for (const BodyTerm* t : there) body.push_back(*t);
    rest.body = std::move(body);
    if (rest.derived_from.empty()) rest.derived_from = rest.name;
    split(std::move(rest), out, step + 1);
  }

  void declare_ship(const std::string& pred, const std::vector<std::string>& ship, const Rule& r,
                    const std::vector<const BodyTerm*>& here, bool is_table) {
    PredInfo p;
    p.name = pred;
    p.arity = ship.size();
    for (const auto& v : ship) p.types.push_back(r.var_types.at(v));
    p.first_use = r.loc;
    p.ndlog_located = true;
    p.derived = true;
    p.generated = true;
    if (is_table) {
      p.materialized = true;
      // Keys: the shipped copies of the source tables' keys, so that a source
      // row replaced by key replaces its shipped copy too.
      bool keys_shipped = true;
      std::set<int> keys{0};
      for (const BodyTerm* t : here) {
        if (t->kind != BodyTerm::Kind::Atom) continue;
        const PredInfo& src = cp_.preds.at(t->atom.pred);
        if (src.lifetime >= 0 && (p.lifetime < 0 || src.lifetime < p.lifetime)) p.lifetime = src.lifetime;
        for (int k : src.keys) {
          const Expr& arg = *t->atom.args[k];
          auto it = arg.is_var() ? std::find(ship.begin(), ship.end(), arg.text) : ship.end();
          if (arg.is_constant()) continue;
          if (it == ship.end()) keys_shipped = false;
          else keys.insert(static_cast<int>(it - ship.begin()));
        }
      }
      if (keys_shipped) p.keys.assign(keys.begin(), keys.end());
      else for (size_t i = 0; i < ship.size(); ++i) p.keys.push_back(static_cast<int>(i));
      Materialize m;
      m.pred = pred;
      m.lifetime = p.lifetime;
      m.generated = true;
      for (int k : p.keys) m.keys.push_back(k + 1);
      cp_.program.tables.push_back(m);
    }
    cp_.preds[pred] = std::move(p);
  }

  std::string fresh_pred(const std::string& base) {
    std::string name = base;
    for (int i = 2; cp_.preds.count(name); ++i) name = base + "_" + std::to_string(i);
    return name;
  }

  CheckedProgram& cp_;
  Diagnostics& diags_;
  bool ok_ = true;
};

}  // namespace

bool localize(CheckedProgram& program, Diagnostics& diags) { return Localizer(program, diags).run(); }

}  // namespace mozc
