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
#include <functional>

#include "views/expander.hpp"

namespace mozc {

namespace views {

void Expander::run() {
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

void Expander::find_recursive_views() {
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

void Expander::find_call_depths() {
  for (const auto& v : p_.views) depth_[v.name] = 1;
  for (size_t round = 0; round < p_.views.size(); ++round)
    for (const auto& v : p_.views)
      for (const auto& r : v.rules)
        for (const auto& t : r.body)
          if (t.kind == BodyTerm::Kind::Atom && views_.count(t.atom.pred) && t.atom.pred != v.name)
            depth_[t.atom.pred] = std::max(depth_[t.atom.pred], std::min<int>(depth_[v.name] + 1, p_.views.size() + 1));
}

void Expander::describe(const std::string& pred, std::vector<std::string> names, const ViewDef& v) {
  p_.generated_fields[pred] = {std::move(names), "view '" + v.name + "'", v.name_loc};
}

std::vector<std::string> Expander::params(const ViewDef& v, const std::vector<std::string>& list, const char* what) const {
  std::vector<std::string> out;
  for (const auto& name : list) out.push_back(std::string(what) + " " + name + " of view '" + v.name + "'");
  return out;
}

std::string Expander::instance(const ViewDef& v, const std::string& site) {
  std::string prefix = opts_.inline_views && !recursive_.count(v.name) ? site + "." + v.name : v.name;
  if (instantiated_.insert(prefix).second) instantiate(v, prefix);
  return prefix;
}

}  // namespace views

void expand_views(Program& program, const ViewOptions& options) {
  if (program.views.empty()) return;
  views::Expander(program, options).run();
}

}  // namespace mozc
