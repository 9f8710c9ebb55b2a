// Chooses, at compile time, the strands of every rule, their join order and
// the index each join uses. Joins are ordered greedily: the next predicate is
// the one with the most fields already known, so lookups go through a primary
// key or a hash index rather than a scan whenever the rule allows.
#include <algorithm>
#include <map>
#include <set>

#include "ast/visit.hpp"
#include "check/builtins.hpp"
#include "plan/plan.hpp"

namespace mozc {

namespace {


// Calls whose value differs from one call to the next: their declarations say
// so (MOSAIC_IMPURE, read with the signature).
bool is_impure(const Expr& e) {
  if (e.kind == ExprKind::Call) {
    const Signature* sig = find_function(e.text);
    if (sig && sig->impure) return true;
  }
  for (const auto& a : e.args)
    if (is_impure(*a)) return true;
  return false;
}

bool all_bound(const Expr& e, const std::set<std::string>& bound) {
  std::set<std::string> vs;
  add_variables(e, vs);
  return std::all_of(vs.begin(), vs.end(), [&](const auto& v) { return bound.count(v) > 0; });
}

class Planner {
 public:
  explicit Planner(const CheckedProgram& cp) : cp_(cp) {}

  Plan run() {
    for (const auto& [name, p] : cp_.preds) predicate(p);
    for (const auto& r : cp_.program.rules) {
      if (r.is_fact()) plan_.facts.push_back(&r);
      else rule(r);
    }
    for (auto& s : plan_.strands) decide_strand(s);
    for (auto& a : plan_.aggregates) a.live = live_vars(a.steps, head_aggregate(*a.rule));
    dispatch();
    return std::move(plan_);
  }

 private:
  bool is_event(const Atom& a) const { return mozc::is_event(cp_.preds, a.pred); }

  void predicate(const PredInfo& info) {
    PredicatePlan& p = plan_.predicates[info.name];
    p.info = &info;
    p.stored = info.materialized;
    p.facts = !info.generated;
    p.role = info.materialized ? PredRole::Table : PredRole::Event;
    if (info.reject_when_full) p.role = PredRole::ContextTable;
    if (is_local_addr(info.name)) p.role = PredRole::RuntimeAddr;
    if (is_tun(info.name)) p.role = PredRole::Tun, p.facts = false;
    if (auto it = cp_.program.builtin_calls.find(info.name); it != cp_.program.builtin_calls.end())
      p.role = PredRole::BuiltinCall, p.builtin = &it->second;
    // An overlay's data plane has the shapes the checker requires of it.
    if (std::string ov = data_plane_overlay(info.name, "send"); !ov.empty() && info.arity == 2)
      p.role = PredRole::OverlaySend, p.overlay = ov;
    if (std::string ov = data_plane_overlay(info.name, "recv"); !ov.empty() && !info.materialized)
      p.role = PredRole::OverlayRecv, p.overlay = ov;
    if (std::string ov = local_addr_overlay(info.name); !ov.empty() && info.materialized && info.arity == 1)
      p.role = PredRole::OverlayLocalAddr, p.overlay = ov;
  }

  // The decisions about a strand that follow from its steps and its rule.
  void decide_strand(Strand& s) {
    const Rule& r = *s.rule;
    for (size_t i = 0; i < plan_.aggregates.size(); ++i)
      if (plan_.aggregates[i].rule == &r) s.aggregate = static_cast<int>(i);
    const bool deletes = r.is_delete || s.mode == StrandMode::Retract;
    s.head_op = deletes ? HeadOp::Delete : HeadOp::Insert;
    // Applying a delete at once is safe only where the strand holds no
    // iterator into that table (it reaches the row through its key) and the
    // row is this node's.
    bool local_head = !r.head.at && !r.head.ndlog_located;
    if (deletes && r.at_once && local_head &&
        std::all_of(s.steps.begin(), s.steps.end(), [&](const Step& st) {
          return !st.atom || st.atom->pred != r.head.pred || st.kind == Step::Kind::KeyLookup;
        }))
      s.head_op = HeadOp::DeleteAtOnce;
    if (s.mode == StrandMode::AggregateGroups) {
      const AggregatePlan& a = plan_.aggregates.at(s.aggregate);
      s.recompute_trigger_group = !a.group_vars.empty() && std::all_of(a.group_vars.begin(), a.group_vars.end(), [&](const std::string& v) {
        return std::any_of(s.trigger_binds.begin(), s.trigger_binds.end(), [&](const Binding& b) { return b.var == v; });
      });
    }
    s.live = strand_live_vars(s);
  }

  // Variables a strand reads after binding them: what its checks, lookups,
  // assignments and head need.
  std::set<std::string> strand_live_vars(const Strand& s) const {
    std::set<std::string> live = live_vars(s.steps, nullptr);
    for (const auto& c : s.trigger_checks) add_variables(*c.value, live);
    if (s.trigger_check_local) add_variables(*s.trigger_check_local, live);
    const Rule& r = *s.rule;
    if (s.mode == StrandMode::AggregateGroups || s.mode == StrandMode::AggregateDelta) {
      const AggregatePlan& a = plan_.aggregates.at(s.aggregate);
      live.insert(a.group_vars.begin(), a.group_vars.end());
      if (s.mode == StrandMode::AggregateDelta) add_variables(*head_aggregate(r), live);
      return live;
    }
    if (r.head.at) add_variables(*r.head.at, live);
    for (const auto& a : r.head.args) add_variables(*a, live);
    return live;
  }
  static std::set<std::string> live_vars(const std::vector<Step>& steps, const Expr* also) {
    std::set<std::string> live;
    if (also) add_variables(*also, live);
    for (const auto& st : steps) {
      for (const auto& v : st.lookup_values) add_variables(*v, live);
      for (const auto& c : st.checks) add_variables(*c.value, live);
      if (st.check_local) add_variables(*st.check_local, live);
      if (st.expr) add_variables(*st.expr, live);
    }
    return live;
  }

  // Which strands each predicate's tuples start, and in what order.
  void dispatch() {
    for (size_t i = 0; i < plan_.strands.size(); ++i) {
      const Strand& s = plan_.strands[i];
      if (!s.trigger || s.timer >= 0) continue;
      PredicatePlan& p = plan_.predicates.at(s.trigger->pred);
      const int n = static_cast<int>(i);
      const bool delta = s.mode == StrandMode::AggregateDelta;
      if (s.mode == StrandMode::Retract) p.on_remove.push_back({n, 0});
      else p.on_insert.push_back({n, delta ? 1 : 0});
      if (s.mode == StrandMode::AggregateGroups || delta) p.on_remove.push_back({n, delta ? -1 : 0});
    }
    for (auto& [name, p] : plan_.predicates)
      std::stable_partition(p.on_insert.begin(), p.on_insert.end(),
                            [&](const Dispatch& d) { return !plan_.strands[d.strand].rule->at_once; });
  }

  void rule(const Rule& r) {
    const Expr* agg = head_aggregate(r);
    const Atom* event = nullptr;
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom && is_event(t.atom)) event = &t.atom;

    size_t atoms = 0;
    bool impure = false;
    for (const auto& t : r.body) {
      atoms += t.kind == BodyTerm::Kind::Atom;
      if (t.kind != BodyTerm::Kind::Atom) impure |= is_impure(*t.expr);
    }
    bool incremental = agg && !event && atoms == 1 && !impure;
    if (agg && !event) aggregate_plan(r, *agg, incremental);
    std::vector<const Atom*> triggers;
    if (event) triggers.push_back(event);
    else
      for (const auto& t : r.body)
        if (t.kind == BodyTerm::Kind::Atom) triggers.push_back(&t.atom);

    StrandMode mode = !agg       ? StrandMode::Derive
                      : event      ? StrandMode::AggregateEvent
                      : incremental ? StrandMode::AggregateDelta
                                    : StrandMode::AggregateGroups;
    int n = 0;
    for (const Atom* trig : triggers) {
      plan_.strands.push_back(strand(r, trig, mode, ++n));
      plan_.strands.back().first_of_rule = n == 1;
      // A shipped copy of tables goes away with its source rows (delete propagation).
      if (mode == StrandMode::Derive && !event && cp_.preds.at(r.head.pred).generated)
        plan_.strands.push_back(strand(r, trig, StrandMode::Retract, ++n));
    }
  }

  Strand strand(const Rule& r, const Atom* trig, StrandMode mode, int n) {
    Strand s;
    s.rule = &r;
    s.mode = mode;
    s.trigger = trig;
    s.id = r.name + "_" + std::to_string(n);
    std::set<std::string> bound;
    if (is_periodic(trig->pred)) {
      size_t first = trig->ndlog_located ? 1 : 0;
      double period = std::stod(trig->args[first + 1]->text);
      int64_t count = trig->args.size() > first + 2 ? std::stoll(trig->args[first + 2]->text) : 0;
      s.timer = static_cast<int>(plan_.timers.size());
      plan_.timers.push_back({period, count, trig});
      if (trig->ndlog_located && trig->args[0]->is_var()) {
        s.trigger_bind_local = trig->args[0]->text;
        bound.insert(s.trigger_bind_local);
      }
      if (trig->args[first]->is_var()) {
        s.trigger_binds.push_back({0, trig->args[first]->text});
        bound.insert(trig->args[first]->text);
      }
    } else {
      Step probe;
      field_bindings(*trig, bound, probe);
      s.trigger_binds = probe.binds;
      s.trigger_checks = probe.checks;
      s.trigger_bind_local = probe.bind_local;
      s.trigger_check_local = probe.check_local;
    }
    std::vector<const Atom*> rest;
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom && &t.atom != trig) rest.push_back(&t.atom);
    s.steps = join_steps(r, rest, bound);
    return s;
  }

  void aggregate_plan(const Rule& r, const Expr& agg, bool incremental) {
    AggregatePlan a;
    a.rule = &r;
    a.id = r.name;
    a.incremental = incremental;
    a.head_stored = cp_.preds.at(r.head.pred).materialized;
    std::set<std::string> bound;
    for (size_t i = 0; i < r.head.args.size(); ++i) {
      const Expr& f = *r.head.args[i];
      if (&f == &agg) a.agg_field = static_cast<int>(i);
      else if (f.is_var() && bound.insert(f.text).second) a.group_vars.push_back(f.text);
    }
    std::vector<const Atom*> atoms;
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom) atoms.push_back(&t.atom);
    if (!incremental) a.steps = join_steps(r, atoms, bound);  // (its lookups may need an index)
    plan_.aggregates.push_back(std::move(a));
  }

  // Selections `V == E` that a join can do as its lookup: V not bound yet (the
  // join binds it), E pure and computable now. Floats are left as selections:
  // a hash lookup would tell -0.0 from 0.0 where == does not.
  using Pushable = std::map<std::string, std::pair<const BodyTerm*, ExprPtr>>;
  Pushable pushable(const Rule& r, const std::set<std::string>& bound, const std::set<const BodyTerm*>& placed) {
    Pushable out;
    for (const auto& t : r.body) {
      if (t.kind != BodyTerm::Kind::Cond || placed.count(&t) || t.expr->kind != ExprKind::Binary || t.expr->text != "==")
        continue;
      for (int side = 0; side < 2; ++side) {
        const ExprPtr& v = t.expr->args[side];
        const ExprPtr& e = t.expr->args[1 - side];
        if (v->is_var() && !bound.count(v->text) && all_bound(*e, bound) && !is_impure(*e) &&
            e->type.kind != TypeKind::Float && !out.count(v->text))
          out[v->text] = {&t, e};
      }
    }
    return out;
  }

  // Orders the remaining atoms greedily and interleaves assignments and
  // selections as soon as their variables are bound. A selection V == E on a
  // field the next join binds becomes part of that join's lookup. A term calling an
  // impure function (f_randID, f_now, f_coinFlip...) waits until the joins
  // are done, so each body match gets its own value (an assigned variable
  // never feeds a join: the checker makes those comparisons).
  std::vector<Step> join_steps(const Rule& r, std::vector<const Atom*> atoms, std::set<std::string>& bound) {
    std::vector<Step> steps;
    std::set<const BodyTerm*> placed;
    auto place_terms = [&] {
      for (bool changed = true; changed;) {
        changed = false;
        for (const auto& t : r.body) {
          if (t.kind == BodyTerm::Kind::Atom || placed.count(&t) || !all_bound(*t.expr, bound)) continue;
          if (!atoms.empty() && is_impure(*t.expr)) continue;
          Step st;
          st.kind = t.kind == BodyTerm::Kind::Assign ? Step::Kind::Assign : Step::Kind::Filter;
          st.var = t.var;
          st.expr = t.expr;
          steps.push_back(std::move(st));
          placed.insert(&t);
          if (t.kind == BodyTerm::Kind::Assign) bound.insert(t.var);
          changed = true;
        }
      }
    };
    place_terms();
    while (!atoms.empty()) {
      Pushable pushed = pushable(r, bound, placed);
      auto known = [&](const Atom* a) {
        int n = 0;
        for (const auto& arg : a->args)
          n += (arg->is_constant() || (arg->is_var() && (bound.count(arg->text) || pushed.count(arg->text)))) ? 1 : 0;
        return n;
      };
      auto best = std::max_element(atoms.begin(), atoms.end(),
                                   [&](const Atom* x, const Atom* y) { return known(x) < known(y); });
      const Atom* a = *best;
      atoms.erase(best);
      steps.push_back(join(*a, bound, &pushed, &placed));
      place_terms();
    }
    return steps;
  }

  // Splits an atom's fields into lookups/checks on known values and bindings of new variables.
  void field_bindings(const Atom& a, std::set<std::string>& bound, Step& st, const Pushable* pushed = nullptr,
                      std::set<const BodyTerm*>* placed = nullptr) {
    if (a.at) {
      if (a.at->is_var() && !bound.count(a.at->text)) {
        st.bind_local = a.at->text;
        bound.insert(a.at->text);
      } else {
        st.check_local = a.at;
      }
    }
    std::set<std::string> fresh;
    for (size_t i = 0; i < a.args.size(); ++i) {
      const ExprPtr& arg = a.args[i];
      int f = static_cast<int>(i);
      if (arg->kind == ExprKind::Wildcard) continue;
      if (arg->is_var() && !bound.count(arg->text)) {
        if (pushed) {
          if (auto it = pushed->find(arg->text); it != pushed->end()) {
            st.checks.push_back({f, it->second.second});  // looked up (or compared) by E ...
            placed->insert(it->second.first);             // ... so the selection is done here
          }
        }
        st.binds.push_back({f, arg->text});
        bound.insert(arg->text);
        fresh.insert(arg->text);
      } else {
        st.checks.push_back({f, arg});
      }
    }
    (void)fresh;
  }

  Step join(const Atom& a, std::set<std::string>& bound, const Pushable* pushed = nullptr,
            std::set<const BodyTerm*>* placed = nullptr) {
    Step st;
    st.atom = &a;
    // Fields known before this join (literals, already-bound variables, and
    // variables a pushed-down selection gives a value).
    std::vector<int> known;
    for (size_t i = 0; i < a.args.size(); ++i) {
      const ExprPtr& arg = a.args[i];
      bool given = arg->is_var() && (bound.count(arg->text) || (pushed && pushed->count(arg->text)));
      if (arg->is_constant() || given) known.push_back(static_cast<int>(i));
    }
    field_bindings(a, bound, st, pushed, placed);
    const PredInfo& p = cp_.preds.at(a.pred);
    bool key_known = !p.keys.empty() &&
                     std::all_of(p.keys.begin(), p.keys.end(), [&](int k) {
                       return std::find(known.begin(), known.end(), k) != known.end();
                     });
    std::vector<int> lookup;
    if (key_known) {
      st.kind = Step::Kind::KeyLookup;
      lookup = p.keys;
    } else if (!known.empty()) {
      st.kind = Step::Kind::IndexLookup;
      lookup = known;
      st.index = index_for(a.pred, known);
    } else {
      st.kind = Step::Kind::Scan;
    }
    // Fields used by the lookup need no separate check.
    std::vector<FieldCheck> checks;
    for (auto& c : st.checks) {
      if (std::find(lookup.begin(), lookup.end(), c.field) != lookup.end()) {
        st.lookup_fields.push_back(c.field);
        st.lookup_values.push_back(c.value);
      } else {
        checks.push_back(c);
      }
    }
    // Keep lookup values in the order of the key/index fields.
    std::vector<int> fields;
    std::vector<ExprPtr> values;
    for (int f : lookup) {
      auto it = std::find(st.lookup_fields.begin(), st.lookup_fields.end(), f);
      fields.push_back(f);
      values.push_back(st.lookup_values[it - st.lookup_fields.begin()]);
    }
    st.lookup_fields = fields;
    st.lookup_values = values;
    st.checks = checks;
    return st;
  }

  int index_for(const std::string& pred, const std::vector<int>& fields) {
    auto& list = plan_.predicates.at(pred).indexes;
    auto it = std::find(list.begin(), list.end(), fields);
    if (it != list.end()) return static_cast<int>(it - list.begin());
    list.push_back(fields);
    return static_cast<int>(list.size() - 1);
  }

  const CheckedProgram& cp_;
  Plan plan_;
};

}  // namespace

const Expr* head_aggregate(const Rule& r) {
  for (const auto& a : r.head.args)
    if (a->kind == ExprKind::Aggregate) return a.get();
  return nullptr;
}

Plan plan_program(const CheckedProgram& program) { return Planner(program).run(); }

}  // namespace mozc
