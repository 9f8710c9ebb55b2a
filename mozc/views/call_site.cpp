// The caller side of CView expansion: a rule that calls views is split at its
// calls into a chain of rules over context tables (see expand.cpp for the
// shape), with the plumbing each call needs: its init, the end of the call at
// its answer or timeout, and resumption with default results when it fails.
#include <algorithm>
#include <set>

#include "ast/visit.hpp"
#include "views/expander.hpp"
#include "views/terms.hpp"

namespace mozc::views {

void Expander::expand(Rule r) {
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
    if (calls[i].atom.at) p_.remote_view_calls.try_emplace(s.callee, calls[i].atom.loc);
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

Atom Expander::start_head(const Site& s, Loc loc) const {
  std::vector<ExprPtr> args{var(qid_var(s), loc)};
  for (size_t k = 0; k < inputs(s); ++k) args.push_back(s.atom->args[k]);
  if (s.atom->at) args.push_back(s.atom->at);
  for (const auto& v : s.context) args.push_back(var(v, loc));
  return make_atom(start_pred(s), std::move(args), s.atom->loc);
}

Atom Expander::ctx_atom(const Site& s, Loc loc, ExprPtr q, const std::vector<ExprPtr>& in, ExprPtr time) const {
  std::vector<ExprPtr> args{std::move(q)};
  for (size_t k = 0; k < inputs(s); ++k) args.push_back(in.empty() ? wildcard(loc) : in[k]);
  if (s.atom->at) args.push_back(in.empty() ? wildcard(loc) : var("_at", loc));
  for (const auto& v : s.context) args.push_back(var(v, loc));
  args.push_back(std::move(time));
  return make_atom(ctx_pred(s), std::move(args), loc);
}

std::vector<ExprPtr> Expander::fresh_vars(const std::string& prefix, size_t n, Loc loc) {
  std::vector<ExprPtr> out;
  for (size_t k = 0; k < n; ++k) out.push_back(var(prefix + std::to_string(k + 1), loc));
  return out;
}

std::vector<BodyTerm> Expander::resume_body(const Site& s, const std::vector<BodyTerm>& rest) const {
  Loc loc = s.atom->loc;
  std::vector<ExprPtr> ret{var(qid_var(s), loc)};
  for (size_t k = inputs(s); k < s.atom->args.size(); ++k) ret.push_back(s.atom->args[k]->args[0]);
  std::vector<BodyTerm> body;
  body.push_back(atom_term(make_atom(s.callee + ".return", std::move(ret), loc)));
  body.push_back(atom_term(ctx_atom(s, loc, var(qid_var(s), loc), {}, wildcard(loc))));
  body.insert(body.end(), rest.begin(), rest.end());
  return body;
}

void Expander::emit_resumptions(const Site* prev, Rule rule) {
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

Rule Expander::derived(const Rule& r, const std::string& name, Atom head) const {
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

void Expander::call_rules(const Rule& r, const Site& s) {
  const size_t first = p_.rules.size();
  call_plumbing(r, s);
  for (size_t i = first; i < p_.rules.size(); ++i) p_.rules[i].type_rank = kPlumbingRank;
  describe_site(r, s);
}

void Expander::describe_site(const Rule& r, const Site& s) {
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

void Expander::call_plumbing(const Rule& r, const Site& s) {
  Loc loc = s.atom->loc;
  const ViewDef& v = *s.view;
  // A call fails (v.timeout, default results) when it is not answered in
  // time, or at once when pending(N) calls of this site already wait.
  const bool fails = !v.multi;
  Materialize ctx;
  ctx.loc = loc;
  ctx.pred = ctx_pred(s);
  ctx.pred_loc = loc;
  ctx.lifetime = v.timeout > 0 ? 2 * v.timeout : -1;  // without a timeout: until the call ends
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

  if (opts_.local_shortcut) {
    p_.immediate.insert({start_pred(s), ctx_pred(s), s.callee + ".init", s.callee + ".return"});
    if (v.builtin) p_.immediate.insert(s.callee + ".fail");
  }
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
  Atom expired = make_atom(expired_pred(s), {var("_q", loc)}, loc);
  if (v.timeout > 0) {  // the sweep: calls older than the timeout expire
    Rule sweep = derived(r, s.name + "_sweep", expired);
    Atom tick = make_atom("periodic", {wildcard(loc), Expr::make(ExprKind::Float, loc, number_text(std::max(0.05, v.timeout / 4)))}, loc);
    sweep.body.push_back(atom_term(tick));
    sweep.body.push_back(atom_term(row()));
    auto age = Expr::make(ExprKind::Binary, loc, "-", {Expr::make(ExprKind::Call, loc, "f_now"), var("_t", loc)});
    sweep.body.push_back(cond(Expr::make(ExprKind::Binary, loc, ">", {age, Expr::make(ExprKind::Float, loc, number_text(v.timeout))})));
    p_.rules.push_back(std::move(sweep));
  }
  if (v.builtin) {  // the runtime element ends a call it could not do at once
    Rule failed = derived(r, s.name + "_error", expired);
    failed.body.push_back(atom_term(make_atom(s.callee + ".fail", {var("_q", loc)}, loc)));
    p_.rules.push_back(std::move(failed));
  }
  if (fails) {  // before the expiry's at-once delete: it reads the row
    Atom failed = row();
    failed.pred = failed_pred(s);
    Rule fail = derived(r, s.name + "_fail", failed);
    fail.body.push_back(atom_term(expired));
    fail.body.push_back(atom_term(row()));
    p_.rules.push_back(std::move(fail));
    Rule timeout = derived(r, s.name + (v.builtin ? "_raise" : "_timeout"), make_atom(failure_event(v), in, loc));
    timeout.body.push_back(atom_term(std::move(failed)));
    p_.rules.push_back(std::move(timeout));
  }
  ends_call(s.name + "_expire", expired);
}

}  // namespace mozc::views
