// CView expansion (paper §5.2), run on the checked-for-views program before
// type checking, so that every generated predicate is typed like any other.
//
// Callee. Each view's rules are instantiated once: this.X becomes the
// predicate <view>.X with two leading fields, the call's query id and the
// caller's address, so every rule of the view knows which call it serves;
// this.init(K...) is <view>.init(Q, Ret, K...) and this.return(R...) is the
// event <view>.return(Q, R...) sent to Ret.
//
// Caller. A rule whose body calls views,
//   r h(...) :- T0, v1@L(In1..., &Out1...), T1, v2(...), T2.
// is split at its calls. For call i, with Q a fresh 160-bit query id:
//   r_call<i>         r_call<i>_start(Q, In..., [L,] Ctx...) :- <segment before>, Q := f_randID().
//   r_call<i>_ctx     r_call<i>_ctx(Q, In..., [L,] Ctx..., T) :- r_call<i>_start(Q, ...), T := f_now().
//   r_call<i>_init    v.init@L(Q, Me, In...) :- r_call<i>_ctx@Me(Q, ...).
// and the caller resumes where the answer arrives, joining it with the
// context table on Q:
//   r                 h(...) :- v.return(Q, Out...), r_call<i>_ctx(Q, _, Ctx..., _), T<i>.
// Ctx is the execution context: the variables bound before the call that
// the rest of the rule uses. "<segment before>" of a later call is itself a
// resumption, so several calls run one after another, each seeing the
// results of the previous ones.
//
// A call ends once: at its first answer (its context row is deleted), or, for
// a `multi` view, at its timeout; a sweep every quarter timeout expires calls
// older than the timeout, which raises v.timeout(In...) for a call that got no
// answer and, when the view declares default(...), resumes the caller with
// those results. Whatever goes on from a call reads its context row, and the
// delete that ends the call takes effect at once (Rule::at_once), so the
// caller resumes once per call however its answers and expiry are queued.
// A failed call -- expired, or refused at once because pending(N) calls of
// its site already wait (the context table is full) -- is the event
// r_call<i>_failed(<its context row>), from which v.timeout(In...) and the
// default results follow. Context tables also carry a lifetime of twice the
// timeout.
//
// Optimizations (ViewOptions), each switchable so that it can be measured:
// * tail: a self-recursive tail call (this.return(R) :- ..., v@N(K, &R).)
//   forwards the caller's query id and address, so the last hop answers the
//   original caller directly and no context is kept on the way;
// * inline: each call site of a non-recursive view gets its own copy of the
//   view's rules (<site>.<view>.X), so an answer reaches only its own
//   caller's resume rule instead of being matched against every call site;
// * shortcut: the call's events (start, init, return) and its context row
//   are handed to their rules at once when they stay on this node, instead
//   of waiting in the node's queue (Program::immediate).
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "ast/visit.hpp"
#include "views/expand.hpp"

namespace mozc {

namespace {

const char* const kQid = "_qid";  // the call a view rule serves
const char* const kRet = "_ret";  // where that call's answer goes

bool is_this(const std::string& pred) { return pred.rfind("this.", 0) == 0; }

std::string ident(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '.' ? '_' : c;
  return out;
}

ExprPtr var(const std::string& name, Loc loc) { return Expr::make(ExprKind::Var, loc, name); }
ExprPtr wildcard(Loc loc) { return Expr::make(ExprKind::Wildcard, loc, "_"); }

// A copy of e located at loc (every subexpression too).
ExprPtr relocated(const Expr& e, Loc loc) {
  ExprPtr out = std::make_shared<Expr>(e);
  out->loc = loc;
  for (auto& a : out->args) a = relocated(*a, loc);
  return out;
}

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  std::string s = ss.str();
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

BodyTerm atom_term(Atom a) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Atom;
  t.loc = a.loc;
  t.atom = std::move(a);
  return t;
}

BodyTerm assign(const std::string& v, ExprPtr e) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Assign;
  t.loc = e->loc;
  t.var = v;
  t.expr = std::move(e);
  return t;
}

BodyTerm cond(ExprPtr e) {
  BodyTerm t;
  t.kind = BodyTerm::Kind::Cond;
  t.loc = e->loc;
  t.expr = std::move(e);
  return t;
}

Atom make_atom(const std::string& pred, std::vector<ExprPtr> args, Loc loc, ExprPtr at = nullptr) {
  Atom a;
  a.loc = loc;
  a.pred = pred;
  a.args = std::move(args);
  a.at = std::move(at);
  return a;
}

class Expander {
 public:
  Expander(Program& p, const ViewOptions& opts) : p_(p), opts_(opts) {}

  void run() {
    for (const auto& v : p_.views) views_[v.name] = &v;
    find_recursive_views();
    find_call_depths();
    work_.assign(std::make_move_iterator(p_.rules.begin()), std::make_move_iterator(p_.rules.end()));
    p_.rules.clear();
    while (!work_.empty()) {
      Rule r = std::move(work_.front());
      work_.pop_front();
      expand(std::move(r));
    }
    p_.views.clear();
  }

 private:
  // A view that can reach itself through its calls is never inlined.
  void find_recursive_views() {
    std::map<std::string, std::set<std::string>> calls;
    for (const auto& v : p_.views)
      for (const auto& r : v.rules)
        for (const auto& t : r.body)
          if (t.kind == BodyTerm::Kind::Atom && views_.count(t.atom.pred)) calls[v.name].insert(t.atom.pred);
    for (const auto& v : p_.views) {
      std::set<std::string> seen;
      std::function<bool(const std::string&)> reaches = [&](const std::string& from) {
        for (const auto& to : calls[from]) {
          if (to == v.name) return true;
          if (seen.insert(to).second && reaches(to)) return true;
        }
        return false;
      };
      if (reaches(v.name)) recursive_.insert(v.name);
    }
  }

  // How deep in the call graph each view is called: 1 from the program's own
  // rules, d + 1 from a view of depth d (cycles stop growing at the number
  // of views). The type checker reads deeper views first (Rule::type_rank).
  void find_call_depths() {
    for (const auto& v : p_.views) depth_[v.name] = 1;
    for (size_t round = 0; round < p_.views.size(); ++round)
      for (const auto& v : p_.views)
        for (const auto& r : v.rules)
          for (const auto& t : r.body)
            if (t.kind == BodyTerm::Kind::Atom && views_.count(t.atom.pred) && t.atom.pred != v.name)
              depth_[t.atom.pred] = std::max(depth_[t.atom.pred], std::min<int>(depth_[v.name] + 1, p_.views.size() + 1));
  }

  // Diagnostics name a generated predicate's fields for what they are.
  void describe(const std::string& pred, std::vector<std::string> names, const ViewDef& v) {
    p_.generated_fields[pred] = {std::move(names), "view '" + v.name + "'", v.name_loc};
  }
  std::vector<std::string> params(const ViewDef& v, const std::vector<std::string>& list, const char* what) const {
    std::vector<std::string> out;
    for (const auto& name : list) out.push_back(std::string(what) + " " + name + " of view '" + v.name + "'");
    return out;
  }

  // The prefix of the instance of view v a call site uses: the shared one
  // (the view's name), or with inlining a copy of its own (<site>.<view>).
  // Instances are made on first use; their rules join the work list, since
  // they may call views themselves.
  std::string instance(const ViewDef& v, const std::string& site) {
    std::string prefix = opts_.inline_views && !recursive_.count(v.name) ? site + "." + v.name : v.name;
    if (instantiated_.insert(prefix).second) instantiate(v, prefix);
    return prefix;
  }

  // ---- callee ----
  void instantiate(const ViewDef& v, const std::string& prefix) {
    for (const auto& t : v.tables) {
      Materialize m = t;
      m.pred = renamed(prefix, t.pred);
      // Each call has its own rows: the query id and return address lead the key.
      std::vector<int> keys;
      if (!m.keys.empty()) {
        keys = {1, 2};
        for (int k : t.keys) keys.push_back(k + 2);
      }
      m.keys = keys;
      p_.tables.push_back(std::move(m));
    }
    for (const auto& s : v.schemas) {
      SchemaDecl d = s;
      d.pred = renamed(prefix, s.pred);
      d.types.insert(d.types.begin(), {Type::of(TypeKind::Id), Type::of(TypeKind::Addr)});
      p_.schemas.push_back(std::move(d));
    }
    const std::string call = "a call of view '" + v.name + "'";
    std::vector<std::string> init{"the query id of " + call, "the caller's address in " + call};
    auto in = params(v, v.inputs, "input"), out = params(v, v.outputs, "result");
    init.insert(init.end(), in.begin(), in.end());
    describe(prefix + ".init", init, v);
    out.insert(out.begin(), init[0]);
    describe(prefix + ".return", out, v);
    describe(v.name + ".timeout", in, v);
    for (const auto& r : v.rules) {
      for (const Atom* a : this_atoms(r)) {
        if (a->pred == "this.init" || a->pred == "this.return") continue;
        std::vector<std::string> fields(init.begin(), init.begin() + 2);
        for (size_t k = 0; k < a->args.size(); ++k)
          fields.push_back("field " + std::to_string(k + 1) + " of " + a->pred + " in view '" + v.name + "'");
        describe(renamed(prefix, a->pred), fields, v);
      }
    }
    for (const auto& r : v.rules) {
      Rule copy = r;
      copy.type_rank = depth_.at(v.name);
      copy.name = ident(prefix) + "_" + r.name;
      copy.derived_from = r.name + " of view " + v.name;
      copy.head = callee_atom(prefix, r.head, true);
      for (auto& t : copy.body)
        if (t.kind == BodyTerm::Kind::Atom) t.atom = callee_atom(prefix, t.atom, false);
      rule_instance_[copy.name] = {&v, prefix};
      work_.push_back(std::move(copy));
    }
  }

  static std::string renamed(const std::string& prefix, const std::string& pred) { return prefix + "." + pred.substr(5); }
  static std::vector<const Atom*> this_atoms(const Rule& r) {
    std::vector<const Atom*> out;
    if (is_this(r.head.pred)) out.push_back(&r.head);
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom && is_this(t.atom.pred)) out.push_back(&t.atom);
    return out;
  }

  Atom callee_atom(const std::string& prefix, const Atom& a, bool head) {
    if (!is_this(a.pred)) return a;
    Atom out = a;
    out.pred = renamed(prefix, a.pred);
    if (head && a.pred == "this.return") {
      out.args.insert(out.args.begin(), var(kQid, a.loc));
      out.at = var(kRet, a.loc);
      return out;
    }
    out.args.insert(out.args.begin(), {var(kQid, a.loc), var(kRet, a.loc)});
    return out;
  }

  // ---- caller ----
  struct Call {
    const ViewDef* view;
    Atom atom;
    std::vector<BodyTerm> before;  // the segment of terms between the previous call and this one
  };

  void expand(Rule r) {
    std::vector<Call> calls;
    std::vector<BodyTerm> segment;
    for (auto& t : r.body) {
      auto v = t.kind == BodyTerm::Kind::Atom ? views_.find(t.atom.pred) : views_.end();
      if (v == views_.end()) {
        segment.push_back(std::move(t));
        continue;
      }
      calls.push_back({v->second, std::move(t.atom), std::move(segment)});
      segment.clear();
    }
    if (calls.empty()) {
      r.body = std::move(segment);
      p_.rules.push_back(std::move(r));
      return;
    }
    auto own = rule_instance_.find(r.name);
    if (opts_.tail_calls && own != rule_instance_.end() && is_tail_call(r, calls, segment, *own->second.first, own->second.second)) {
      tail_call(std::move(r), calls[0], own->second.second);
      return;
    }

    // What each call must keep for the rest of the rule.
    std::vector<std::set<std::string>> bound_before(calls.size()), used_after(calls.size());
    std::set<std::string> bound;
    for (size_t i = 0; i < calls.size(); ++i) {
      for (const auto& t : calls[i].before) add_variables(t, bound);
      bound_before[i] = bound;
      for (size_t k = calls[i].view->inputs.size(); k < calls[i].atom.args.size(); ++k) add_variables(*calls[i].atom.args[k], bound);
    }
    std::set<std::string> later;
    add_variables(r.head, later);
    for (const auto& t : segment) add_variables(t, later);
    for (size_t i = calls.size(); i-- > 0;) {
      used_after[i] = later;
      const Atom& a = calls[i].atom;
      add_variables(a, later);
      for (const auto& t : calls[i].before) add_variables(t, later);
    }

    const std::string base = ident(r.name);
    std::vector<Site> sites;
    for (size_t i = 0; i < calls.size(); ++i) {
      std::string name = base + "_call" + std::to_string(i + 1);
      Site s{name, calls[i].view, instance(*calls[i].view, name), &calls[i].atom, {}};
      // A result variable bound before the call is kept too: the answer must
      // equal it (a filter), as a repeated variable would anywhere else.
      std::set<std::string> results;
      for (size_t k = calls[i].view->inputs.size(); k < calls[i].atom.args.size(); ++k) add_variables(*calls[i].atom.args[k], results);
      for (const auto& v : bound_before[i])
        if (used_after[i].count(v) || results.count(v)) s.context.push_back(v);
      sites.push_back(s);
    }

    // Call 1 starts from the rule's own first segment; call i+1 from the
    // answer to call i; the head follows the answer to the last call.
    for (size_t i = 0; i < calls.size(); ++i) {
      const Site& s = sites[i];
      const Site* prev = i ? &sites[i - 1] : nullptr;
      Rule start = derived(r, s.name, start_head(s, r.loc));
      start.body = prev ? resume_body(*prev, calls[i].before) : calls[i].before;
      start.body.push_back(assign(qid_var(s), Expr::make(ExprKind::Call, r.loc, "f_randID")));
      emit_resumptions(prev, std::move(start));
      call_rules(r, s);
    }
    const Site& last = sites.back();
    Rule finish = r;
    finish.derived_from = r.name;
    finish.body = resume_body(last, segment);
    emit_resumptions(&last, std::move(finish));
  }

  struct Site {
    std::string name;  // r_call<i>: prefix of its predicates and rules
    const ViewDef* view;
    std::string callee;  // prefix of the view instance it calls
    const Atom* atom;
    std::vector<std::string> context;  // variables kept across the call
  };

  std::string qid_var(const Site& s) const { return "_q_" + s.name; }
  std::string start_pred(const Site& s) const { return s.name + "_start"; }
  std::string ctx_pred(const Site& s) const { return s.name + "_ctx"; }
  std::string expired_pred(const Site& s) const { return s.name + "_expired"; }
  std::string failed_pred(const Site& s) const { return s.name + "_failed"; }
  size_t inputs(const Site& s) const { return s.view->inputs.size(); }

  // r_call<i>_start(Q, In..., [L,] Ctx...)
  Atom start_head(const Site& s, Loc loc) const {
    std::vector<ExprPtr> args{var(qid_var(s), loc)};
    for (size_t k = 0; k < inputs(s); ++k) args.push_back(s.atom->args[k]);
    if (s.atom->at) args.push_back(s.atom->at);
    for (const auto& v : s.context) args.push_back(var(v, loc));
    return make_atom(start_pred(s), std::move(args), s.atom->loc);
  }

  // The context row r_call<i>_ctx(Q, In..., [L,] Ctx..., T), with the given
  // query id, inputs and node (or wildcards) and time.
  Atom ctx_atom(const Site& s, Loc loc, ExprPtr q, const std::vector<ExprPtr>& in, ExprPtr time) const {
    std::vector<ExprPtr> args{std::move(q)};
    for (size_t k = 0; k < inputs(s); ++k) args.push_back(in.empty() ? wildcard(loc) : in[k]);
    if (s.atom->at) args.push_back(in.empty() ? wildcard(loc) : var("_at", loc));
    for (const auto& v : s.context) args.push_back(var(v, loc));
    args.push_back(std::move(time));
    return make_atom(ctx_pred(s), std::move(args), loc);
  }

  static std::vector<ExprPtr> fresh_vars(const std::string& prefix, size_t n, Loc loc) {
    std::vector<ExprPtr> out;
    for (size_t k = 0; k < n; ++k) out.push_back(var(prefix + std::to_string(k + 1), loc));
    return out;
  }

  // The answer to call s, joined with its context, then the segment after it.
  std::vector<BodyTerm> resume_body(const Site& s, const std::vector<BodyTerm>& rest) const {
    Loc loc = s.atom->loc;
    std::vector<ExprPtr> ret{var(qid_var(s), loc)};
    for (size_t k = inputs(s); k < s.atom->args.size(); ++k) ret.push_back(s.atom->args[k]->args[0]);
    std::vector<BodyTerm> body;
    body.push_back(atom_term(make_atom(s.callee + ".return", std::move(ret), loc)));
    body.push_back(atom_term(ctx_atom(s, loc, var(qid_var(s), loc), {}, wildcard(loc))));
    body.insert(body.end(), rest.begin(), rest.end());
    return body;
  }

  // Emits `rule` (which resumes after `prev`, or starts the chain when prev is
  // null), and its twin that resumes with the view's default results when the
  // call failed: the answer and context row are replaced by the failed call's
  // row, which has the context row's fields, and the results are the defaults.
  void emit_resumptions(const Site* prev, Rule rule) {
    std::optional<Rule> dflt_twin;
    if (prev && !prev->view->defaults.empty()) {
      Rule dflt = rule;
      dflt.name += "_default";
      dflt.body.erase(dflt.body.begin());
      dflt.body[0].atom.pred = failed_pred(*prev);
      std::vector<BodyTerm> results;
      for (size_t k = inputs(*prev); k < prev->atom->args.size(); ++k) {
        const Expr& out = *prev->atom->args[k]->args[0];
        if (out.kind != ExprKind::Var) continue;
        // Located at the call's &R: a conflict with the caller's use of R is the caller's.
        ExprPtr value = relocated(*prev->view->defaults[k - inputs(*prev)], out.loc);
        bool bound = std::find(prev->context.begin(), prev->context.end(), out.text) != prev->context.end();
        // A result bound before the call filters the default as it filters an answer.
        results.push_back(bound ? cond(Expr::make(ExprKind::Binary, out.loc, "==", {var(out.text, out.loc), value}))
                                : assign(out.text, value));
      }
      dflt.body.insert(dflt.body.begin() + 1, results.begin(), results.end());
      dflt_twin = std::move(dflt);
    }
    // The answer's resumption first: it is also what the type checker reads first.
    p_.rules.push_back(std::move(rule));
    if (dflt_twin) p_.rules.push_back(std::move(*dflt_twin));
  }

  Rule derived(const Rule& r, const std::string& name, Atom head) const {
    Rule out;
    out.loc = r.loc;
    out.end = r.end;
    out.name = name;
    out.named = true;
    out.head = std::move(head);
    out.origin = r.origin;
    out.source_text = r.source_text;
    out.derived_from = r.name;
    out.type_rank = r.type_rank;  // the call's own terms are the rule's terms
    return out;
  }

  // The context table, the init sent to the callee, the end of the call.
  // These rules only move the call's fields between generated predicates.
  void call_rules(const Rule& r, const Site& s) {
    const size_t first = p_.rules.size();
    call_plumbing(r, s);
    for (size_t i = first; i < p_.rules.size(); ++i) p_.rules[i].type_rank = kPlumbingRank;
    describe_site(r, s);
  }

  void describe_site(const Rule& r, const Site& s) {
    const ViewDef& v = *s.view;
    std::string call = "call " + s.name.substr(s.name.rfind("_call") + 5) + " of rule " + r.name;
    std::vector<std::string> row{"the query id of " + call};
    for (const auto& name : params(v, v.inputs, "input")) row.push_back(name);
    if (s.atom->at) row.push_back("the node view '" + v.name + "' is called at");
    for (const auto& c : s.context) row.push_back("variable " + c + " of rule " + r.name);
    describe(start_pred(s), row, v);
    row.push_back("the start time of " + call);
    describe(ctx_pred(s), row, v);
    describe(failed_pred(s), row, v);
    describe(expired_pred(s), {row[0]}, v);
  }

  void call_plumbing(const Rule& r, const Site& s) {
    Loc loc = s.atom->loc;
    const ViewDef& v = *s.view;
    // A call fails (v.timeout, default results) when it is not answered in
    // time, or at once when pending(N) calls of this site already wait.
    const bool fails = !v.multi;
    Materialize ctx;
    ctx.loc = loc;
    ctx.pred = ctx_pred(s);
    ctx.pred_loc = loc;
    ctx.lifetime = 2 * v.timeout;
    ctx.max_size = v.pending;
    ctx.keys = {1};
    ctx.generated = true;
    ctx.derived_from = r.name;
    ctx.reject_when_full = true;
    if (fails) ctx.when_full = failed_pred(s);
    p_.tables.push_back(ctx);

    auto in = fresh_vars("_in", inputs(s), loc);
    std::vector<ExprPtr> start_args{var("_q", loc)};
    start_args.insert(start_args.end(), in.begin(), in.end());
    if (s.atom->at) start_args.push_back(var("_at", loc));
    for (const auto& c : s.context) start_args.push_back(var(c, loc));
    auto row = [&] { return ctx_atom(s, loc, var("_q", loc), in, var("_t", loc)); };

    if (opts_.local_shortcut)
      p_.immediate.insert({start_pred(s), ctx_pred(s), s.callee + ".init", s.callee + ".return"});
    Rule keep = derived(r, s.name + "_ctx", row());
    keep.body.push_back(atom_term(make_atom(start_pred(s), start_args, loc)));
    keep.body.push_back(assign("_t", Expr::make(ExprKind::Call, loc, "f_now")));
    p_.rules.push_back(std::move(keep));

    // The call goes out once its context row is stored: a call refused by a
    // full context table never reaches the callee.
    std::vector<ExprPtr> init_args{var("_q", loc), var("_me", loc)};
    init_args.insert(init_args.end(), in.begin(), in.end());
    Rule init = derived(r, s.name + "_init", make_atom(s.callee + ".init", init_args, loc, s.atom->at ? var("_at", loc) : nullptr));
    Atom stored = row();
    stored.at = var("_me", loc);
    init.body.push_back(atom_term(std::move(stored)));
    p_.rules.push_back(std::move(init));

    // A call ends once: at its first answer (a multi view: at its timeout) or
    // at its timeout, whichever comes first. Every rule that goes on from a
    // call reads its context row, and the delete that ends the call is applied
    // at once (Rule::at_once), so a second answer, or an answer and the expiry
    // queued together, cannot resume the caller twice.
    auto ends_call = [&](const std::string& name, Atom trigger) {
      Rule end = derived(r, name, row());
      end.is_delete = true;
      end.at_once = true;
      end.body.push_back(atom_term(std::move(trigger)));
      end.body.push_back(atom_term(row()));
      p_.rules.push_back(std::move(end));
    };
    if (!v.multi) {
      std::vector<ExprPtr> ret{var("_q", loc)};
      for (size_t k = 0; k < v.outputs.size(); ++k) ret.push_back(wildcard(loc));
      ends_call(s.name + "_done", make_atom(s.callee + ".return", std::move(ret), loc));
    }
    // The sweep: calls older than the timeout expire.
    Atom expired = make_atom(expired_pred(s), {var("_q", loc)}, loc);
    Rule sweep = derived(r, s.name + "_sweep", expired);
    Atom tick = make_atom("periodic", {wildcard(loc), Expr::make(ExprKind::Float, loc, number_text(std::max(0.05, v.timeout / 4)))}, loc);
    sweep.body.push_back(atom_term(tick));
    sweep.body.push_back(atom_term(row()));
    auto age = Expr::make(ExprKind::Binary, loc, "-", {Expr::make(ExprKind::Call, loc, "f_now"), var("_t", loc)});
    sweep.body.push_back(cond(Expr::make(ExprKind::Binary, loc, ">", {age, Expr::make(ExprKind::Float, loc, number_text(v.timeout))})));
    p_.rules.push_back(std::move(sweep));
    if (fails) {  // before the expiry's at-once delete: it reads the row
      Atom failed = row();
      failed.pred = failed_pred(s);
      Rule fail = derived(r, s.name + "_fail", failed);
      fail.body.push_back(atom_term(expired));
      fail.body.push_back(atom_term(row()));
      p_.rules.push_back(std::move(fail));
      Rule timeout = derived(r, s.name + "_timeout", make_atom(v.name + ".timeout", in, loc));
      timeout.body.push_back(atom_term(std::move(failed)));
      p_.rules.push_back(std::move(timeout));
    }
    ends_call(s.name + "_expire", expired);
  }

  // this.return(R...) :- T0, v@N(K..., &R...).  in view v itself.
  bool is_tail_call(const Rule& r, const std::vector<Call>& calls, const std::vector<BodyTerm>& after,
                    const ViewDef& own, const std::string& prefix) const {
    if (calls.size() != 1 || !after.empty() || calls[0].view != &own || r.head.pred != prefix + ".return") return false;
    const Atom& call = calls[0].atom;
    size_t n = own.inputs.size();
    std::set<std::string> seen;
    for (size_t k = 0; k < own.outputs.size(); ++k) {
      const Expr& out = *call.args[n + k]->args[0];
      const Expr& head = *r.head.args[k + 1];  // after the query id
      if (out.kind != ExprKind::Var || head.kind != ExprKind::Var || out.text != head.text || !seen.insert(out.text).second)
        return false;
    }
    return true;
  }

  // The callee forwards the call itself: same query id, same return address.
  void tail_call(Rule r, const Call& call, const std::string& prefix) {
    const ViewDef& v = *call.view;
    std::vector<ExprPtr> args{var(kQid, r.loc), var(kRet, r.loc)};
    for (size_t k = 0; k < v.inputs.size(); ++k) args.push_back(call.atom.args[k]);
    r.head = make_atom(prefix + ".init", std::move(args), call.atom.loc, call.atom.at);
    r.body = call.before;
    r.derived_from = r.name + " (tail call)";
    p_.rules.push_back(std::move(r));
  }

  static constexpr int kPlumbingRank = 1 << 20;  // above any view's call depth

  Program& p_;
  ViewOptions opts_;
  std::map<std::string, int> depth_;
  std::map<std::string, const ViewDef*> views_;
  std::set<std::string> recursive_;
  std::set<std::string> instantiated_;
  std::map<std::string, std::pair<const ViewDef*, std::string>> rule_instance_;  // view rule -> (view, instance prefix)
  std::deque<Rule> work_;
};

}  // namespace

void expand_views(Program& program, const ViewOptions& options) {
  if (program.views.empty()) return;
  Expander(program, options).run();
}

}  // namespace mozc
