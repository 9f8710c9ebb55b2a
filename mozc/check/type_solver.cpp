#include "check/type_solver.hpp"

namespace mozc {

TypeSolver::T TypeSolver::fresh(Flex flex) {
  nodes_.push_back({static_cast<int>(nodes_.size()), TypeKind::Unknown, {}, flex});
  return static_cast<T>(nodes_.size() - 1);
}

TypeSolver::T TypeSolver::make(TypeKind kind, std::vector<T> args) {
  nodes_.push_back({static_cast<int>(nodes_.size()), kind, std::move(args), Flex::Any});
  return static_cast<T>(nodes_.size() - 1);
}

TypeSolver::T TypeSolver::from(const Type& t) {
  if (t.kind == TypeKind::Unknown) return fresh();
  std::vector<T> args;
  for (const auto& a : t.args) args.push_back(from(a));
  return make(t.kind, std::move(args));
}

TypeSolver::T TypeSolver::instantiate(const TypeTerm& term, std::vector<T>& vars) {
  if (term.var >= 0) {
    if (vars.size() <= static_cast<size_t>(term.var)) vars.resize(term.var + 1, -1);
    if (vars[term.var] < 0) vars[term.var] = fresh();
    return vars[term.var];
  }
  std::vector<T> args;
  for (const auto& a : term.args) args.push_back(instantiate(a, vars));
  return make(term.kind, std::move(args));
}

TypeSolver::T TypeSolver::find(T t) const {
  while (nodes_[t].parent != t) {
    nodes_[t].parent = nodes_[nodes_[t].parent].parent;
    t = nodes_[t].parent;
  }
  return t;
}

bool TypeSolver::occurs(T var, T in) const {
  in = find(in);
  if (in == var) return true;
  for (T a : nodes_[in].args)
    if (occurs(var, a)) return true;
  return false;
}

static bool flex_allows(TypeSolver::Flex f, TypeKind k) {
  switch (f) {
    case TypeSolver::Flex::Any: return true;
    case TypeSolver::Flex::Numeric: return k == TypeKind::Int || k == TypeKind::Float || k == TypeKind::Id;
    case TypeSolver::Flex::Textual:
      return k == TypeKind::String || k == TypeKind::Addr || k == TypeKind::Ip || k == TypeKind::Bytes;
  }
  return false;
}

bool TypeSolver::unify(T a, T b) {
  // Unification may bind variables before failing deeper down; undo on failure.
  trail_.clear();
  if (unify_step(a, b)) return true;
  for (auto it = trail_.rbegin(); it != trail_.rend(); ++it) nodes_[it->first] = it->second;
  return false;
}

void TypeSolver::bind(T var, T to, Flex flex) {
  trail_.emplace_back(var, nodes_[var]);
  trail_.emplace_back(to, nodes_[to]);
  nodes_[var].parent = to;
  nodes_[to].flex = flex;
}

bool TypeSolver::unify_step(T a, T b) {
  a = find(a);
  b = find(b);
  if (a == b) return true;
  const Node& na = nodes_[a];
  const Node& nb = nodes_[b];
  if (na.kind == TypeKind::Unknown && nb.kind == TypeKind::Unknown) {
    Flex merged;
    if (na.flex == Flex::Any) merged = nb.flex;
    else if (nb.flex == Flex::Any || nb.flex == na.flex) merged = na.flex;
    else return false;
    bind(a, b, merged);
    return true;
  }
  if (na.kind == TypeKind::Unknown || nb.kind == TypeKind::Unknown) {
    T var = na.kind == TypeKind::Unknown ? a : b;
    T con = var == a ? b : a;
    if (!flex_allows(nodes_[var].flex, nodes_[con].kind) || occurs(var, con)) return false;
    bind(var, con, nodes_[con].flex);
    return true;
  }
  if (na.kind != nb.kind || na.args.size() != nb.args.size()) return false;
  std::vector<T> aa = na.args, ba = nb.args;  // copies: nodes_ may grow
  for (size_t i = 0; i < aa.size(); ++i)
    if (!unify_step(aa[i], ba[i])) return false;
  return true;
}

Type TypeSolver::resolve(T t) const {
  t = find(t);
  const Node& n = nodes_[t];
  if (n.kind == TypeKind::Unknown) {
    if (n.flex == Flex::Numeric) return Type::of(TypeKind::Int);
    if (n.flex == Flex::Textual) return Type::of(TypeKind::String);
    return Type{};
  }
  Type out = Type::of(n.kind);
  for (T a : n.args) out.args.push_back(resolve(a));
  return out;
}

TypeKind TypeSolver::kind(T t) const { return nodes_[find(t)].kind; }

}  // namespace mozc
