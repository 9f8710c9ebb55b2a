// The CView expansion's state while it works through a program (see
// expand.cpp): the callee side (view instances) is in callee.cpp, the caller
// side (call sites split into rules) in call_site.cpp.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "views/expand.hpp"

namespace mozc::views {

class Expander {
 public:
  Expander(Program& p, const ViewOptions& opts) : p_(p), opts_(opts) {}

  void run();

 private:
  // A view that can reach itself through its calls is never inlined.
  void find_recursive_views();

  // How deep in the call graph each view is called: 1 from the program's own
  // rules, d + 1 from a view of depth d (cycles stop growing at the number
  // of views). The type checker reads deeper views first (Rule::type_rank).
  void find_call_depths();

  // Diagnostics name a generated predicate's fields for what they are.
  void describe(const std::string& pred, std::vector<std::string> names, const ViewDef& v);
  std::vector<std::string> params(const ViewDef& v, const std::vector<std::string>& list, const char* what) const;

  // The prefix of the instance of view v a call site uses: the shared one
  // (the view's name), or with inlining a copy of its own (<site>.<view>).
  // Instances are made on first use; their rules join the work list, since
  // they may call views themselves.
  std::string instance(const ViewDef& v, const std::string& site);

  // ---- callee: callee.cpp ----
  void instantiate(const ViewDef& v, const std::string& prefix);
  void builtin_instance(const ViewDef& v, const std::string& prefix);
  // Names the fields of a call's init and return (and its failure event) for
  // diagnostics; returns the init's names.
  std::vector<std::string> describe_call(const ViewDef& v, const std::string& prefix);
  // The event a failed call raises: v.timeout(In...), or for a built-in view,
  // whose calls fail by errors rather than time, v.error(In...).
  static std::string failure_event(const ViewDef& v) { return v.name + (v.builtin ? ".error" : ".timeout"); }

  static std::string renamed(const std::string& prefix, const std::string& pred);
  static std::vector<const Atom*> this_atoms(const Rule& r);

  Atom callee_atom(const std::string& prefix, const Atom& a, bool head);

  // ---- caller: call_site.cpp ----
  struct Call {
    const ViewDef* view;
    Atom atom;
    std::vector<BodyTerm> before;  // the segment of terms between the previous call and this one
  };

  void expand(Rule r);

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
  Atom start_head(const Site& s, Loc loc) const;

  // The context row r_call<i>_ctx(Q, In..., [L,] Ctx..., T), with the given
  // query id, inputs and node (or wildcards) and time.
  Atom ctx_atom(const Site& s, Loc loc, ExprPtr q, const std::vector<ExprPtr>& in, ExprPtr time) const;

  static std::vector<ExprPtr> fresh_vars(const std::string& prefix, size_t n, Loc loc);

  // The answer to call s, joined with its context, then the segment after it.
  std::vector<BodyTerm> resume_body(const Site& s, const std::vector<BodyTerm>& rest) const;

  // Emits `rule` (which resumes after `prev`, or starts the chain when prev is
  // null), and its twin that resumes with the view's default results when the
  // call failed: the answer and context row are replaced by the failed call's
  // row, which has the context row's fields, and the results are the defaults.
  void emit_resumptions(const Site* prev, Rule rule);

  Rule derived(const Rule& r, const std::string& name, Atom head) const;

  // The context table, the init sent to the callee, the end of the call.
  // These rules only move the call's fields between generated predicates.
  void call_rules(const Rule& r, const Site& s);

  void describe_site(const Rule& r, const Site& s);

  void call_plumbing(const Rule& r, const Site& s);

  // Tail calls (callee.cpp).
  // this.return(R...) :- T0, v@N(K..., &R...).  in view v itself.
  bool is_tail_call(const Rule& r, const std::vector<Call>& calls, const std::vector<BodyTerm>& after,
                    const ViewDef& own, const std::string& prefix) const;

  // The callee forwards the call itself: same query id, same return address.
  void tail_call(Rule r, const Call& call, const std::string& prefix);

  static constexpr int kPlumbingRank = 1 << 20;  // above any view's call depth

  Program& p_;
  ViewOptions opts_;
  std::map<std::string, int> depth_;
  std::map<std::string, const ViewDef*> views_;
  std::set<std::string> recursive_;
  std::set<std::string> instantiated_;
  std::set<std::string> error_events_;
  std::map<std::string, std::pair<const ViewDef*, std::string>> rule_instance_;  // view rule -> (view, instance prefix)
  std::deque<Rule> work_;
};

}  // namespace mozc::views
