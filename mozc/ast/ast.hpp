// The Mozlog syntax tree. The parser builds it; the checker annotates it with
// types in place; the rewriter adds generated predicates and rules.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ast/type.hpp"
#include "diag/source.hpp"

namespace mozc {

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;  // shared: rewrites reuse checked expressions

enum class ExprKind {
  Var,        // text = name
  Wildcard,   // _
  Int,        // text = decimal digits (may start with '-')
  Float,      // text = as written
  String,     // text = value
  Bool,       // text = "true"/"false"
  IdLit,      // text = hex digits
  List,       // args = elements
  Call,       // text = function name, args
  Unary,      // text = "-" or "!", args[0]
  Binary,     // text = operator, args[0], args[1]
  Interval,   // args = key, lo, hi; lo_closed/hi_closed
  Aggregate,  // text = min|max|sum|avg|count, args[0] = the variable (none for count<*>)
  OverlayAddr,  // ov::x: text = overlay name, args[0] = x (any value, even another address)
  TupleCons,    // p(...) as a value (a head field, or made by the rewriter): text = predicate, args = its fields
  Result,       // &R in a view call: args[0] = the variable (or wildcard) the call binds
};

struct Expr {
  ExprKind kind;
  Loc loc;
  std::string text;
  std::vector<ExprPtr> args;
  bool lo_closed = false, hi_closed = false;
  Type type;  // set by the checker

  static ExprPtr make(ExprKind k, Loc loc, std::string text = {}, std::vector<ExprPtr> args = {}) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->loc = loc;
    e->text = std::move(text);
    e->args = std::move(args);
    return e;
  }
  bool is_var() const { return kind == ExprKind::Var; }
  bool is_constant() const;  // a literal, or a list, address or tuple value of constants
};

// p(a, b), p(@A, b) (NDlog form: the location is the first field) or p@A(a, b)
// (Mozlog form: the tuple p(a, b) lives at, or is sent to, A).
struct Atom {
  Loc loc;
  std::string pred;
  std::vector<ExprPtr> args;
  bool ndlog_located = false;  // p(@A, ...): args[0] is the location
  ExprPtr at;                  // p@A(...): the location, not part of the tuple

  // The location expression, whichever form was used; null if local.
  const ExprPtr& location() const { return ndlog_located ? args[0] : at; }
};

struct BodyTerm {
  enum class Kind { Atom, Assign, Cond } kind;
  Loc loc;
  Atom atom;        // Kind::Atom
  std::string var;  // Kind::Assign: the assigned variable
  ExprPtr expr;     // Kind::Assign: the value; Kind::Cond: the condition
};

struct Rule {
  Loc loc;
  Loc end;
  std::string name;  // given or generated (rule3)
  bool named = false;
  bool is_delete = false;
  Atom head;
  std::vector<BodyTerm> body;
  std::string origin;          // "file:line:col" of the source rule
  std::string source_text;     // the rule as written (for comments in generated code)
  std::string derived_from;    // for rules made by rewrites: the rule they come from
  // Made by the CView rewrite for the delete that ends a call: the row leaves
  // its (local) table as the strand derives the delete, not when the queue
  // reaches it, and the strand runs after the other strands of its trigger.
  // So the tuple that ends a call still meets the context, and no later tuple
  // -- however early it was queued -- can.
  bool at_once = false;
  // The order in which the type checker reads rules, highest first (set by
  // mozc/views): the generated rules that only carry a call's fields
  // between generated predicates, then the rules of views, those called
  // deeper first, then the program's own rules. A type conflict between a
  // call and the view it calls is then found at the call, not in the view.
  int type_rank = 0;
  std::map<std::string, Type> var_types;  // set by the checker

  bool is_fact() const { return body.empty(); }
};

// Which row a full table gives up for a new one: the oldest (the default), or
// the one with the greatest (evict max(F)) or least (evict min(F)) field F.
enum class Evict { Oldest, Max, Min };

struct Materialize {
  Loc loc;
  std::string pred;
  Loc pred_loc;
  double lifetime = -1;   // seconds; < 0 means infinity
  int64_t max_size = -1;  // rows; < 0 means infinity
  std::vector<int> keys;  // 1-based positions; empty = every field
  Loc keys_loc;
  Evict evict = Evict::Oldest;
  int evict_field = 0;     // 1-based, for Max and Min
  Loc evict_loc;
  bool generated = false;  // made by a rewrite
  std::string derived_from;  // for tables made by the CView rewrite: the rule whose call it serves
  // A CView context table (mozc/views): when it holds max_size rows it
  // stores no new row; the call that row stands for fails at once, counted by
  // the runtime and, when `when_full` names an event, raised as
  // when_full(row...), the table's own fields.
  bool reject_when_full = false;
  std::string when_full;
};

struct SchemaDecl {
  Loc loc;
  std::string pred;
  std::vector<Type> types;
};

struct BestEffortDecl {
  Loc loc;
  std::string pred;
};

// A CView (paper §4.5): def name(K1, ..., &R1, ...) [timeout(S)] [default(v, ...)] [multi] { rules }.
// Inside, this.X names the view's own predicates; this.init(K...) starts a call
// and this.return(R...) answers it.
struct ViewDef {
  Loc loc;
  std::string name;
  Loc name_loc;
  std::vector<std::string> inputs, outputs;  // parameter names; positions are what count
  double timeout = 5;                       // seconds a call waits for its answer
  std::vector<ExprPtr> defaults;            // results a failed call goes on with; empty: none
  Loc defaults_loc;
  bool multi = false;                       // several answers per call, until the timeout
  int64_t pending = 10000;                  // calls that may wait for answers at once, per call site and node
  std::vector<Rule> rules;
  std::vector<Materialize> tables;
  std::vector<SchemaDecl> schemas;
  // A view the runtime answers (tcp.*, mozc/special): no rules; its calls'
  // init tuples go to a runtime element, which answers with the return
  // tuple or ends the call as failed at once. Its parameters have fixed types.
  bool builtin = false;
  std::vector<Type> input_types, output_types;
};

// A call instance of a built-in view, after expansion: the runtime element
// takes <prefix>.init(Q, Caller, In...) and answers <prefix>.return(Q, Out...)
// or <prefix>.fail(Q).
struct BuiltinCall {
  std::string view;  // "tcp.read"
  std::string ret, fail;
};

// this.X: a view's own predicate, named inside its def.
inline bool is_this(const std::string& pred) { return pred.rfind("this.", 0) == 0; }

// What the fields of a predicate made by the CView rewrite stand for, so that
// diagnostics about them name the user's view and call, not the generated
// predicate (mozc/views).
struct GeneratedFields {
  std::vector<std::string> names;  // "input Src of view 'ping'", ...
  std::string origin;              // "view 'ping'"
  Loc origin_loc;                  // where the origin is defined
};

struct Program {
  std::vector<ViewDef> views;  // expanded into rules before type checking (mozc/views)
  std::vector<Materialize> tables;
  std::vector<SchemaDecl> schemas;
  std::vector<BestEffortDecl> best_effort;
  std::vector<Rule> rules;  // facts are rules without a body
  std::vector<std::string> files;  // every file read, for depfiles
  // Predicates whose local tuples are processed at once rather than queued
  // (the CView local event shortcut; see mozc/views).
  std::set<std::string> immediate;
  std::map<std::string, GeneratedFields> generated_fields;
  std::map<std::string, BuiltinCall> builtin_calls;  // by init predicate
  // View instances (their predicate prefix) some rule calls at a node, v@N(...):
  // their answers may travel between nodes (the checker keeps sockets home).
  std::map<std::string, Loc> remote_view_calls;
};

}  // namespace mozc
