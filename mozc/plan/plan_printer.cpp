// --emit=plan: the plan as text, one block per predicate and per strand, in
// the order the emitters print them. Everything the generated code does is
// here in words: each predicate's role, indexes and dispatch order; each
// strand's trigger, join order with the index each join uses, live variables
// and head operation; each aggregate's maintenance; the timers.
#include <sstream>

#include "ast/printer.hpp"
#include "plan/plan.hpp"

namespace mozc {

const char* role_name(PredRole r) {
  switch (r) {
    case PredRole::Table: return "table";
    case PredRole::Event: return "event";
    case PredRole::ContextTable: return "view context table";
    case PredRole::OverlaySend: return "overlay send";
    case PredRole::OverlayRecv: return "overlay recv";
    case PredRole::OverlayLocalAddr: return "overlay local address table";
    case PredRole::RuntimeAddr: return "this node's address (runtime)";
    case PredRole::Tun: return "tun device (Tun::Rx in, Tun::Tx out)";
    case PredRole::BuiltinCall: return "call of a built-in view (to its TCP element)";
  }
  return "";
}

const char* mode_name(StrandMode m) {
  switch (m) {
    case StrandMode::Derive: return "derive";
    case StrandMode::Retract: return "retract shipped copies";
    case StrandMode::AggregateEvent: return "aggregate over one firing";
    case StrandMode::AggregateGroups: return "recompute touched groups";
    case StrandMode::AggregateDelta: return "update the row's group";
  }
  return "";
}

namespace {

const char* head_op_text(HeadOp op) {
  switch (op) {
    case HeadOp::Insert: return "insert";
    case HeadOp::Delete: return "delete";
    case HeadOp::DeleteAtOnce: return "delete at once";
  }
  return "";
}

// 1-based field positions, as materialize(... keys(...)) writes them.
std::string fields_text(const std::vector<int>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + std::to_string(fields[i] + 1);
  return out;
}

std::string dispatch_text(const Plan& plan, const std::vector<Dispatch>& list) {
  std::string out;
  for (const auto& d : list) {
    out += (out.empty() ? "" : ", ") + plan.strands[d.strand].id;
    if (d.sign) out += d.sign > 0 ? " (+1)" : " (-1)";
  }
  return out;
}

std::string bindings_text(const std::vector<Binding>& binds, const std::vector<FieldCheck>& checks) {
  std::string out;
  for (const auto& b : binds) out += (out.empty() ? "" : ", ") + b.var + " = field " + std::to_string(b.field + 1);
  for (const auto& c : checks)
    out += (out.empty() ? "" : ", ") + std::string("field ") + std::to_string(c.field + 1) + " == " + expr_str(*c.value);
  return out;
}

class PlanPrinter {
 public:
  explicit PlanPrinter(const Plan& plan) : plan_(plan) {}

  std::string run() {
    for (const auto& [name, p] : plan_.predicates) predicate(name, p);
    for (size_t i = 0; i < plan_.timers.size(); ++i) {
      const TimerPlan& t = plan_.timers[i];
      o_ << "timer " << i << ": every " << t.period << " s" << (t.count > 0 ? ", " + std::to_string(t.count) + " times" : "")
         << "\n";
    }
    for (const auto& s : plan_.strands) strand(s);
    for (const auto& a : plan_.aggregates) aggregate(a);
    for (const Rule* r : plan_.facts) o_ << "fact " << r->origin << ": " << rule_str(*r) << "\n";
    return o_.str();
  }

 private:
  void predicate(const std::string& name, const PredicatePlan& p) {
    const PredInfo& info = *p.info;
    std::string types;
    for (size_t i = 0; i < info.arity; ++i) types += (i ? ", " : "") + info.types[i].str();
    o_ << "predicate " << name << "(" << types << "): " << role_name(p.role);
    if (!p.overlay.empty()) o_ << " of overlay " << p.overlay;
    if (p.stored) {
      o_ << ", keys(" << fields_text(info.keys) << ")";
      o_ << ", lifetime ";
      if (info.lifetime < 0) o_ << "infinity";
      else o_ << info.lifetime << " s";
      o_ << ", size " << (info.max_size < 0 ? "infinity" : std::to_string(info.max_size));
      if (info.evict != Evict::Oldest) o_ << ", evict " << (info.evict == Evict::Max ? "max" : "min") << "(" << info.evict_field + 1 << ")";
    }
    if (info.best_effort) o_ << ", best-effort";
    if (info.immediate) o_ << ", local shortcut";
    if (p.info->generated) o_ << ", made by a rewrite";
    if (info.reject_when_full && !info.when_full.empty()) o_ << ", refused calls raise " << info.when_full;
    o_ << "\n";
    for (size_t i = 0; i < p.indexes.size(); ++i) o_ << "  index " << i << " on field " << fields_text(p.indexes[i]) << "\n";
    if (!p.on_insert.empty()) o_ << "  " << (p.stored ? "on insert: " : "on event: ") << dispatch_text(plan_, p.on_insert) << "\n";
    if (!p.on_remove.empty()) o_ << "  on remove: " << dispatch_text(plan_, p.on_remove) << "\n";
  }

  void strand(const Strand& s) {
    const Rule& r = *s.rule;
    o_ << "\nstrand " << s.id << ": rule " << r.name << " @ " << r.origin << ", " << mode_name(s.mode) << "\n";
    if (s.timer >= 0) o_ << "  on timer " << s.timer;
    else o_ << "  on " << s.trigger->pred;
    std::string binds = bindings_text(s.trigger_binds, s.trigger_checks);
    if (!s.trigger_bind_local.empty()) binds = s.trigger_bind_local + " = this node" + (binds.empty() ? "" : ", " + binds);
    if (s.trigger_check_local) binds += (binds.empty() ? "" : ", ") + expr_str(*s.trigger_check_local) + " == this node";
    o_ << (binds.empty() ? "" : ": " + binds) << "\n";
    steps(s.steps, "  ");
    if (s.aggregate >= 0) o_ << "  aggregate " << plan_.aggregates[s.aggregate].id << (s.recompute_trigger_group ? " (and the trigger's group)" : "") << "\n";
    o_ << "  live: " << vars_text(s.live) << "\n";
    if (s.mode == StrandMode::Derive || s.mode == StrandMode::Retract || s.mode == StrandMode::AggregateEvent)
      o_ << "  head: " << head_op_text(s.head_op) << " " << atom_str(r.head) << "\n";
  }

  void aggregate(const AggregatePlan& a) {
    o_ << "\naggregate " << a.id << ": field " << a.agg_field + 1 << " of " << a.rule->head.pred << ", group ("
       << join_words(a.group_vars) << "), "
       << (a.incremental ? "kept up to date row by row" : "recomputed per touched group") << "\n";
    steps(a.steps, "  ");
    if (!a.incremental) o_ << "  live: " << vars_text(a.live) << "\n";
    if (a.head_stored) o_ << "  an emptied group deletes its row\n";
  }

  void steps(const std::vector<Step>& list, const std::string& indent) {
    for (const auto& st : list) {
      switch (st.kind) {
        case Step::Kind::Assign: o_ << indent << st.var << " := " << expr_str(*st.expr) << "\n"; break;
        case Step::Kind::Filter: o_ << indent << "select " << expr_str(*st.expr) << "\n"; break;
        default: join(st, indent);
      }
    }
  }

  void join(const Step& st, const std::string& indent) {
    const PredicatePlan& p = plan_.pred(st.atom->pred);
    o_ << indent << "join " << st.atom->pred << " by ";
    if (st.kind == Step::Kind::KeyLookup) o_ << "key (" << fields_text(st.lookup_fields) << ")";
    else if (st.kind == Step::Kind::IndexLookup) o_ << "index " << st.index << " on field " << fields_text(p.indexes[st.index]);
    else o_ << "scan";
    if (!st.lookup_values.empty()) {
      std::string values;
      for (const auto& v : st.lookup_values) values += (values.empty() ? "" : ", ") + expr_str(*v);
      o_ << " = (" << values << ")";
    }
    std::string binds = bindings_text(st.binds, st.checks);
    if (!st.bind_local.empty()) binds = st.bind_local + " = this node" + (binds.empty() ? "" : ", " + binds);
    if (st.check_local) binds += (binds.empty() ? "" : ", ") + expr_str(*st.check_local) + " == this node";
    o_ << (binds.empty() ? "" : ": " + binds) << "\n";
  }

  template <class Strings>
  static std::string join_words(const Strings& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
  }
  static std::string vars_text(const std::set<std::string>& vars) { return vars.empty() ? "(none)" : join_words(vars); }

  const Plan& plan_;
  std::ostringstream o_;
};

}  // namespace

std::string print_plan(const Plan& plan) { return PlanPrinter(plan).run(); }

}  // namespace mozc
