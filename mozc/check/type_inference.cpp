// Pass 2 of the checker: type inference. Predicate fields are typed across the
// whole program; variables within their rule. Every expression is annotated
// with its resolved type for the later stages.
#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

#include "check/check_context.hpp"
#include "check/type_solver.hpp"

namespace mozc {

MOZC_DIAGNOSTIC(PredicateFirstUsedHere, Note, "'{0}' is first used here");

namespace {

using T = TypeSolver::T;

// "a.b.c.d:port" with octets 0-255 and port 1-65535 (or "localhost:port"),
// exactly what the runtime's Addr::parse accepts.
bool is_ip_port(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = s.substr(0, colon), port = s.substr(colon + 1);
  auto number = [](const std::string& d, long max) {
    if (d.empty() || d.size() > 5 || d.find_first_not_of("0123456789") != std::string::npos) return -1L;
    long v = std::stol(d);
    return v <= max ? v : -1L;
  };
  if (number(port, 65535) < 1) return false;
  if (host == "localhost") return true;
  int parts = 0;
  size_t start = 0;
  for (;;) {
    size_t dot = host.find('.', start);
    if (number(host.substr(start, dot == std::string::npos ? std::string::npos : dot - start), 255) < 0) return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// "198.19.0.2" or "fd00::2": what the runtime's Ip::parse accepts.
bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return s.size() < INET6_ADDRSTRLEN &&
         inet_pton(s.find(':') == std::string::npos ? AF_INET : AF_INET6, s.c_str(), buf) == 1;
}

// "0x" and an even number of hex digits: what the runtime's Bytes::parse_hex accepts.
bool is_hex_bytes(const std::string& s) {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.size() % 2 == 0 &&
         s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

// A constraint checked once every rule has been seen: the type must be one of `allowed`.
struct KindCheck {
  Loc loc;
  T type;
  std::set<TypeKind> allowed;
  std::string what;
};

class Inference {
 public:
  explicit Inference(CheckContext& cx) : cx_(cx) {}

  void run() {
    for (auto& [name, p] : cx_.preds) {
      auto& fields = fields_[name];
      for (size_t i = 0; i < p.arity; ++i)
        fields.push_back(i < p.types.size() ? solver_.from(p.types[i]) : solver_.fresh());
      // The packet of a data plane is a nested tuple, whatever the rules do with it.
      size_t packet = !data_plane_overlay(name, "send").empty() ? 1 : !data_plane_overlay(name, "recv").empty() ? 0 : 9;
      if (packet < fields.size() && !solver_.unify(fields[packet], solver_.make(TypeKind::Tuple)))
        mismatch(p.first_use, "the packet of '" + name + "' must be of type tuple, not " + show(fields[packet]));
    }
    // A row a full table refuses becomes its when_full event, field for field.
    for (const auto& [name, p] : cx_.preds) {
      auto event = fields_.find(p.when_full);
      if (p.when_full.empty() || event == fields_.end()) continue;
      for (size_t i = 0; i < p.arity && i < event->second.size(); ++i) solver_.unify(fields_[name][i], event->second[i]);
    }
    std::vector<Rule*> order;
    for (auto& r : cx_.program.rules)
      if (!cx_.broken.count(&r)) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](const Rule* a, const Rule* b) { return a->type_rank > b->type_rank; });
    for (Rule* r : order) rule(*r);
    // This node's address in overlay ov is a node of ov: typed like ov.send's Dest
    // (after the rules, so that a mismatch is reported here, not at some rule).
    for (auto& [name, p] : cx_.preds) {
      std::string ov = local_addr_overlay(name);
      auto send = fields_.find(send_predicate(ov));
      if (ov.empty() || send == fields_.end() || send->second.empty() || fields_[name].empty()) continue;
      if (!solver_.unify(fields_[name][0], send->second[0])) {
        mismatch(p.first_use, "'" + name + "' holds nodes of overlay '" + ov + "', which are " +
                                  show(send->second[0]) + " (the first field of " + send_predicate(ov) + "), not " +
                                  show(fields_[name][0]));
        cx_.diags.emit(PredicateFirstUsedHere, cx_.preds[send_predicate(ov)].first_use, send_predicate(ov));
      }
    }
    // A value only ever computed with or compared, like an unsuffixed literal,
    // defaults to int (costs that come only from facts, for example).
    for (const auto& c : checks_)
      if (solver_.kind(c.type) == TypeKind::Unknown && c.allowed.count(TypeKind::Int))
        solver_.unify(c.type, solver_.make(TypeKind::Int));
    for (const auto& c : checks_) {
      TypeKind k = solver_.kind(c.type);
      MOZC_DIAGNOSTIC(ForbiddenType, Error, "{0} cannot be of type {1}");
      if (k != TypeKind::Unknown && !c.allowed.count(k))
        cx_.diags.emit(ForbiddenType, c.loc, c.what, solver_.resolve(c.type).str());
    }
    if (cx_.diags.has_errors()) return;
    annotate();
  }

 private:
  void rule(Rule& r) {
    vars_.clear();
    rule_exprs_.clear();
    // A generated head (a view call's start, a view's own event) is checked
    // after the terms that bind it: a conflict is then the call argument's.
    const bool head_last = generated(r.head.pred) != nullptr;
    if (!head_last) atom(r.head, true);
    for (auto& t : r.body) {
      switch (t.kind) {
        case BodyTerm::Kind::Atom: atom(t.atom, false); break;
        case BodyTerm::Kind::Assign: {
          T v = var(t.var);
          T e = expr(*t.expr);
          if (!solver_.unify(v, e)) mismatch(t.expr->loc, "cannot assign a value of type " + show(e) + " to " + t.var + " of type " + show(v));
          break;
        }
        case BodyTerm::Kind::Cond: {
          T c = expr(*t.expr);
          if (!solver_.unify(c, solver_.make(TypeKind::Bool)))
            mismatch(t.expr->loc, "a selection must be a boolean condition, not " + show(c));
          break;
        }
      }
    }
    if (head_last) atom(r.head, true);
    rule_vars_[&r] = vars_;
    all_exprs_.insert(all_exprs_.end(), rule_exprs_.begin(), rule_exprs_.end());
  }

  void atom(Atom& a, bool is_head) {
    if (a.at) require(expr(*a.at), TypeKind::Addr, a.at->loc, "the location specifier");
    const ExprPtr& where = a.location();
    MOZC_DIAGNOSTIC(SendToUndefinedOverlay, Error, "'{0}' is sent to overlay '{1}', which this program does not "
                    "define (no rule uses {2})");
    if (is_head && where && where->kind == ExprKind::OverlayAddr && !fields_.count(send_predicate(where->text)))
      cx_.diags.emit(SendToUndefinedOverlay, where->loc, a.pred, where->text, send_predicate(where->text));
    if (is_periodic(a.pred)) {
      size_t first = a.ndlog_located ? 1 : 0;
      if (a.ndlog_located) require(expr(*a.args[0]), TypeKind::Addr, a.args[0]->loc, "the location specifier");
      require(expr(*a.args[first]), TypeKind::Int, a.args[first]->loc, "the event id of periodic");
      for (size_t i = first + 1; i < a.args.size(); ++i) expr(*a.args[i]);
      return;
    }
    tuple_fields(a.pred, a.args, a.ndlog_located);
  }

  // The fields of an atom or of a tuple value p(...), typed by p's schema.
  void tuple_fields(const std::string& pred, std::vector<ExprPtr>& args, bool ndlog_located) {
    auto& fields = fields_[pred];
    for (size_t i = 0; i < args.size() && i < fields.size(); ++i) {
      Expr& arg = *args[i];
      T t = arg.kind == ExprKind::Aggregate ? aggregate(arg) : expr(arg);
      if (!solver_.unify(t, fields[i])) {
        mismatch(arg.loc, field_name(pred, i) + " has type " + show(fields[i]) + ", but this is " + show(t));
        MOZC_DIAGNOSTIC(GeneratedPredicateOrigin, Note, "{0} is defined here");
        if (const GeneratedFields* g = generated(pred))
          cx_.diags.emit(GeneratedPredicateOrigin, g->origin_loc, g->origin);
        else
          cx_.diags.emit(PredicateFirstUsedHere, cx_.preds[pred].first_use, pred);
      }
      if (i == 0 && ndlog_located) require(fields[i], TypeKind::Addr, arg.loc, "the location specifier");
    }
  }

  T aggregate(Expr& e) {
    T result;
    if (e.text == "count") {
      result = solver_.make(TypeKind::Int);
    } else if (e.args.empty()) {
      MOZC_DIAGNOSTIC(StarOnlyForCount, Error, "{0}<*> is not an aggregate; only count<*> takes '*'");
      cx_.diags.emit(StarOnlyForCount, e.loc, e.text);
      result = solver_.fresh();
    } else {
      T x = expr(*e.args[0]);
      if (e.text == "avg") {
        checks_.push_back({e.loc, x, {TypeKind::Int, TypeKind::Float}, "the argument of avg<>"});
        result = solver_.make(TypeKind::Float);
      } else {
        if (e.text == "sum") checks_.push_back({e.loc, x, {TypeKind::Int, TypeKind::Float}, "the argument of sum<>"});
        else checks_.push_back({e.loc, x, orderable(), "the argument of " + e.text + "<>"});
        result = x;
      }
    }
    note(e, result);
    return result;
  }

  T var(const std::string& name) {
    auto it = vars_.find(name);
    if (it != vars_.end()) return it->second;
    return vars_[name] = solver_.fresh();
  }

  T expr(Expr& e) {
    T t = expr_inner(e);
    note(e, t);
    return t;
  }

  T expr_inner(Expr& e) {
    switch (e.kind) {
      case ExprKind::Var: return var(e.text);
      case ExprKind::Wildcard: return solver_.fresh();
      case ExprKind::Int: return solver_.fresh(TypeSolver::Flex::Numeric);
      case ExprKind::Float: return solver_.make(TypeKind::Float);
      case ExprKind::String: return solver_.fresh(TypeSolver::Flex::Textual);
      case ExprKind::Bool: return solver_.make(TypeKind::Bool);
      case ExprKind::IdLit: return solver_.make(TypeKind::Id);
      case ExprKind::List: {
        T elem = solver_.fresh();
        for (auto& a : e.args) {
          T t = expr(*a);
          if (!solver_.unify(elem, t)) mismatch(a->loc, "list elements must have one type; this one is " + show(t) + ", not " + show(elem));
        }
        return solver_.make(TypeKind::List, {elem});
      }
      case ExprKind::Call: return call(e);
      case ExprKind::Unary: {
        T x = expr(*e.args[0]);
        if (e.text == "!") {
          require(x, TypeKind::Bool, e.loc, "the operand of '!'");
          return x;
        }
        checks_.push_back({e.loc, x, {TypeKind::Int, TypeKind::Float, TypeKind::Id}, "the operand of unary '-'"});
        return x;
      }
      case ExprKind::Binary: return binary(e);
      case ExprKind::Interval: {
        T k = expr(*e.args[0]);
        for (int i = 1; i <= 2; ++i) {
          T b = expr(*e.args[i]);
          if (!solver_.unify(k, b)) mismatch(e.args[i]->loc, "interval bound has type " + show(b) + ", but the tested value is " + show(k));
        }
        checks_.push_back({e.loc, k, {TypeKind::Int, TypeKind::Float, TypeKind::Id}, "a ring interval"});
        return solver_.make(TypeKind::Bool);
      }
      case ExprKind::Aggregate:
        MOZC_DIAGNOSTIC(AggregateOutsideHead, Error, "aggregate {0}<> is only allowed as a field of a rule head");
        cx_.diags.emit(AggregateOutsideHead, e.loc, e.text);
        return solver_.fresh();
      case ExprKind::OverlayAddr: return overlay_addr(e);
      case ExprKind::TupleCons:  // p(...) as a value: a nested tuple, its fields typed as p's
        tuple_fields(e.text, e.args, false);
        return solver_.make(TypeKind::Tuple);
      case ExprKind::Result: return expr(*e.args[0]);  // views are expanded before types; kept for safety
    }
    return solver_.fresh();
  }

  // ov::x: x has the type of the first field of ov.send when the program defines
  // overlay ov; otherwise (an address of another overlay, kept or forwarded) its own.
  T overlay_addr(Expr& e) {
    T inner = expr(*e.args[0]);
    auto it = fields_.find(send_predicate(e.text));
    if (it != fields_.end() && !it->second.empty() && !solver_.unify(inner, it->second[0])) {
      mismatch(e.args[0]->loc, "a node of overlay '" + e.text + "' is addressed by " + show(it->second[0]) +
                                   " (the first field of " + send_predicate(e.text) + "), not " + show(inner));
      cx_.diags.emit(PredicateFirstUsedHere, cx_.preds[send_predicate(e.text)].first_use, send_predicate(e.text));
    }
    return solver_.make(TypeKind::Addr);
  }

  T call(Expr& e) {
    const Signature* sig = find_function(e.text);  // a built-in or a --functions one
    if (!sig) {
      MOZC_DIAGNOSTIC(UnknownFunction, Error, "unknown function '{0}'");
      cx_.diags.emit(UnknownFunction, e.loc, e.text);
      for (auto& a : e.args) expr(*a);
      return solver_.fresh();
    }
    if (sig->params.size() != e.args.size()) {
      MOZC_DIAGNOSTIC(FunctionArity, Error, "'{0}' takes {1} argument{2}, not {3}: {0}{4}");
      cx_.diags.emit(FunctionArity, e.loc, e.text, sig->params.size(), (sig->params.size() == 1 ? "" : "s"),
                     e.args.size(), sig->text);
      for (auto& a : e.args) expr(*a);
      return solver_.fresh();
    }
    std::vector<T> tvars;
    for (size_t i = 0; i < e.args.size(); ++i) {
      T want = solver_.instantiate(sig->params[i], tvars);
      T got = expr(*e.args[i]);
      if (!solver_.unify(want, got))
        mismatch(e.args[i]->loc, "argument " + std::to_string(i + 1) + " of '" + e.text + "' must be " + show(want) +
                                     ", not " + show(got) + ": " + e.text + sig->text);
    }
    return solver_.instantiate(sig->result, tvars);
  }

  T binary(Expr& e) {
    const std::string& op = e.text;
    T l = expr(*e.args[0]);
    T r = expr(*e.args[1]);
    if (op == "&&" || op == "||") {
      require(l, TypeKind::Bool, e.args[0]->loc, "an operand of '" + op + "'");
      require(r, TypeKind::Bool, e.args[1]->loc, "an operand of '" + op + "'");
      return solver_.make(TypeKind::Bool);
    }
    if (op == "<<" || op == ">>") {
      require(r, TypeKind::Int, e.args[1]->loc, "the shift amount");
      checks_.push_back({e.loc, l, {TypeKind::Int, TypeKind::Id}, "a shifted value"});
      return l;
    }
    if (!solver_.unify(l, r)) {
      mismatch(e.loc, "operands of '" + op + "' have different types: " + show(l) + " and " + show(r));
      return op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=" ? solver_.make(TypeKind::Bool) : l;
    }
    if (op == "==" || op == "!=") return solver_.make(TypeKind::Bool);
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      checks_.push_back({e.loc, l, orderable(), "an operand of '" + op + "'"});
      return solver_.make(TypeKind::Bool);
    }
    std::set<TypeKind> allowed{TypeKind::Int, TypeKind::Float};
    if (op == "+" || op == "-") allowed.insert(TypeKind::Id);
    if (op == "+") allowed.insert(TypeKind::String);
    if (op == "%") allowed = {TypeKind::Int};
    checks_.push_back({e.loc, l, allowed, "an operand of '" + op + "'"});
    return l;
  }

  static std::set<TypeKind> orderable() {
    return {TypeKind::Int, TypeKind::Float, TypeKind::String, TypeKind::Id, TypeKind::Addr, TypeKind::Ip};
  }

  const GeneratedFields* generated(const std::string& pred) const {
    auto it = cx_.program.generated_fields.find(pred);
    return it == cx_.program.generated_fields.end() ? nullptr : &it->second;
  }
  // "field 3 of 'p'", or what a generated predicate's field stands for.
  std::string field_name(const std::string& pred, size_t i) const {
    const GeneratedFields* g = generated(pred);
    if (g && i < g->names.size()) return g->names[i];
    return "field " + std::to_string(i + 1) + " of '" + pred + "'";
  }

  void require(T t, TypeKind k, Loc loc, const std::string& what) {
    if (!solver_.unify(t, solver_.make(k)))
      mismatch(loc, what + " must be of type " + Type::of(k).str() + ", not " + show(t));
  }
  void mismatch(Loc loc, const std::string& msg) {
    MOZC_DIAGNOSTIC(TypeMismatch, Error, "type mismatch: {0}");
    cx_.diags.emit(TypeMismatch, loc, msg);
  }
  std::string show(T t) const {
    Type ty = solver_.resolve(t);
    return ty.known() ? ty.str() : (ty.kind == TypeKind::Unknown ? "an unknown type" : ty.str());
  }
  void note(Expr& e, T t) { rule_exprs_.push_back({&e, t}); }

  void annotate() {
    for (auto& [e, t] : all_exprs_) e->type = solver_.resolve(t);
    for (auto& [r, vars] : rule_vars_)
      for (auto& [name, t] : vars) r->var_types[name] = solver_.resolve(t);
    std::set<std::string> untyped_said;  // one generated field may recur in several predicates
    for (auto& [name, p] : cx_.preds) {
      p.types.clear();
      std::string unknown;
      int count = 0;
      const GeneratedFields* g = generated(name);
      for (size_t i = 0; i < fields_[name].size(); ++i) {
        Type ty = solver_.resolve(fields_[name][i]);
        if (!ty.known() && g) {
          MOZC_DIAGNOSTIC(UninferableType, Error, "cannot infer the type of {0}: nothing in the program gives "
                          "it a type");
          if (cx_.errors_before_types == 0 && untyped_said.insert(field_name(name, i)).second)
            cx_.diags.emit(UninferableType, g->origin_loc, field_name(name, i));
        } else if (!ty.known()) {
          unknown += (count++ ? ", " : "") + std::to_string(i + 1);
        }
        p.types.push_back(ty);
      }
      // (A field left untyped because a broken rule was skipped is no news.)
      if (count && cx_.errors_before_types == 0) {
        MOZC_DIAGNOSTIC(UninferableFields, Error, "cannot infer the type of field{0}{1} of '{2}'; declare {3} "
                        "with schema {2}(...)");
        cx_.diags.emit(UninferableFields, p.first_use, (count > 1 ? "s " : " "), unknown, name,
                       (count > 1 ? "them" : "it"));
      }
    }
    for (const auto& m : cx_.program.tables) {
      auto it = cx_.preds.find(m.pred);
      if (it == cx_.preds.end() || it->second.evict == Evict::Oldest) continue;
      const Type& ty = it->second.types[it->second.evict_field];
      MOZC_DIAGNOSTIC(EvictFieldUnordered, Error, "evict {0} needs an ordered field (int, float, string, id or "
                      "addr); field {1} of '{2}' is {3}");
      if (ty.known() && !orderable().count(ty.kind))
        cx_.diags.emit(EvictFieldUnordered, m.evict_loc, m.evict == Evict::Max ? "max" : "min", m.evict_field,
                       m.pred, ty.str());
    }
    for (auto& [e, t] : all_exprs_) {
      MOZC_DIAGNOSTIC(InvalidAddressLiteral, Error, "\"{0}\" is used as an address but is not \"IPv4:port\"");
      if (e->kind == ExprKind::String && e->type.kind == TypeKind::Addr && !is_ip_port(e->text))
        cx_.diags.emit(InvalidAddressLiteral, e->loc, e->text);
      MOZC_DIAGNOSTIC(InvalidIpLiteral, Error, "\"{0}\" is used as an ip but is not an IPv4 or IPv6 address");
      if (e->kind == ExprKind::String && e->type.kind == TypeKind::Ip && !is_ip(e->text))
        cx_.diags.emit(InvalidIpLiteral, e->loc, e->text);
      MOZC_DIAGNOSTIC(InvalidBytesLiteral, Error, "\"{0}\" is used as bytes but is not \"0x\" and pairs of hex digits");
      if (e->kind == ExprKind::String && e->type.kind == TypeKind::Bytes && !is_hex_bytes(e->text))
        cx_.diags.emit(InvalidBytesLiteral, e->loc, e->text);
    }
    if (cx_.diags.has_errors()) return;  // an untyped field explains its expressions
    for (auto& [e, t] : all_exprs_) {
      MOZC_DIAGNOSTIC(UninferableExpression, Error, "cannot infer the type of this expression");
      if (!e->type.known() && e->kind != ExprKind::Wildcard)
        cx_.diags.emit(UninferableExpression, e->loc);
    }
  }

  CheckContext& cx_;
  TypeSolver solver_;
  std::map<std::string, std::vector<T>> fields_;
  std::map<std::string, T> vars_;
  std::vector<std::pair<Expr*, T>> rule_exprs_, all_exprs_;
  std::map<Rule*, std::map<std::string, T>> rule_vars_;
  std::vector<KindCheck> checks_;
};

}  // namespace

void infer_types(CheckContext& cx) { Inference(cx).run(); }

}  // namespace mozc
