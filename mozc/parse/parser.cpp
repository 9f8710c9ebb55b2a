#include "parse/parser.hpp"

#include <algorithm>
#include <filesystem>
#include <utility>
#include <map>
#include <set>

#include "lex/lexer.hpp"

namespace mozc {

namespace {

struct Bail {};  // unwinds to the statement loop after a syntax error

bool is_aggregate_name(const std::string& s) {
  return s == "min" || s == "max" || s == "sum" || s == "avg" || s == "count";
}

class Parser {
 public:
  Parser(SourceManager& sources, Diagnostics& diags, std::vector<std::string> module_dirs)
      : sources_(sources), diags_(diags), module_dirs_(std::move(module_dirs)) {}

  void parse_file(const std::string& path, Loc included_from) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    if (!seen_files_.insert(canonical).second) return;  // each file once, like #pragma once
    auto file = sources_.load(path);
    if (!file) {
      MOZC_DIAGNOSTIC(CannotReadIncludedFile, Error, "cannot read included file '{0}'");
      MOZC_DIAGNOSTIC(CannotReadInput, Error, "cannot read '{0}'");
      if (included_from.valid()) diags_.emit(CannotReadIncludedFile, included_from, path);
      else diags_.emit(CannotReadInput, Loc{}, path);
      return;
    }
    program_.files.push_back(path);
    sources_.set_included_from(*file, included_from);
    // Parse the file with its own token stream, then resume the includer's.
    std::vector<Token> saved_toks = std::move(toks_);
    size_t saved_pos = pos_;
    toks_ = lex(sources_, *file, diags_);
    pos_ = 0;
    while (peek().kind != Tok::Eof) {
      try {
        statement();
      } catch (Bail&) {
        synchronize();
      }
    }
    toks_ = std::move(saved_toks);
    pos_ = saved_pos;
  }

  Program take() { return std::move(program_); }

 private:
  // ---- token helpers ----
  const Token& peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, toks_.size() - 1);
    return toks_[i];
  }
  const Token& advance() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool at(Tok k) const { return peek().kind == k; }
  bool at_word(const char* w) const { return peek().kind == Tok::Ident && peek().text == w; }
  bool accept(Tok k) {
    if (!at(k)) return false;
    advance();
    return true;
  }
  const Token& expect(Tok k, const std::string& what) {
    if (!at(k)) fail(what);
    return advance();
  }
  [[noreturn]] void fail(const std::string& what) {
    const Token& t = peek();
    if (t.kind != Tok::Error) {  // the lexer already reported it
      std::string found = t.kind == Tok::Ident || t.kind == Tok::Var ? "'" + t.text + "'" : tok_name(t.kind);
      MOZC_DIAGNOSTIC(ExpectedFound, Error, "expected {0}, found {1}");
      diags_.emit(ExpectedFound, t.loc, what, found);
    }
    throw Bail{};
  }
  // Skips to just after the '.' that ends the broken statement.
  void synchronize() {
    int depth = 0;
    while (!at(Tok::Eof)) {
      Tok k = advance().kind;
      if (k == Tok::LParen || k == Tok::LBracket) ++depth;
      else if ((k == Tok::RParen || k == Tok::RBracket) && depth > 0) --depth;
      else if (k == Tok::Dot && depth == 0) return;
      else if (k == Tok::EndDirective) return;
    }
  }

  // ---- statements ----
  void statement() {
    if (at(Tok::Directive)) return directive();
    if (at_word("materialize") && peek(1).kind == Tok::LParen) return materialize();
    if (at_word("schema") && peek(1).kind == Tok::Ident) return schema();
    if (at_word("best_effort") && peek(1).kind == Tok::LParen) return best_effort();
    if (at_word("def") && peek(1).kind == Tok::Ident) return view_def();
    rule();
  }

  void directive() {
    const Token& d = advance();
    if (d.text == "include") {
      const Token& file = expect(Tok::String, "a quoted file name after #include");
      expect(Tok::EndDirective, "end of line after #include");
      parse_file(resolve_include(file.text, d.loc), file.loc);
      return;
    }
    if (!at(Tok::Ident) && !at(Tok::Var)) fail("a constant name after #define");
    const Token& name = advance();
    ExprPtr value = expr();
    if (!value->is_constant()) {
      MOZC_DIAGNOSTIC(ConstantValueNotLiteral, Error, "the value of constant '{0}' must be a literal");
      diags_.emit(ConstantValueNotLiteral, value->loc, name.text);
    }
    expect(Tok::EndDirective, "end of line after the constant's value");
    if (auto it = constant_locs_.find(name.text); it != constant_locs_.end()) {
      MOZC_DIAGNOSTIC(ConstantDefinedTwice, Error, "constant '{0}' is defined twice");
      diags_.emit(ConstantDefinedTwice, name.loc, name.text);
      MOZC_DIAGNOSTIC(ConstantFirstDefinedHere, Note, "first defined here");
      diags_.emit(ConstantFirstDefinedHere, it->second);
      return;
    }
    constants_[name.text] = value;
    constant_locs_[name.text] = name.loc;
  }

  void materialize() {
    Materialize m;
    m.loc = advance().loc;
    expect(Tok::LParen, "'('");
    const Token& name = expect(Tok::Ident, "a predicate name");
    m.pred = name.text;
    m.pred_loc = name.loc;
    expect(Tok::Comma, "','");
    m.lifetime = positive_or_infinity("the lifetime of '" + m.pred + "'", "a lifetime in seconds or 'infinity'",
                                      /*integral=*/false);
    expect(Tok::Comma, "','");
    m.max_size = static_cast<int64_t>(
        positive_or_infinity("the maximum size of '" + m.pred + "'", "a maximum size or 'infinity'", /*integral=*/true));
    expect(Tok::Comma, "','");
    m.keys_loc = peek().loc;
    if (!at_word("keys")) fail("keys(...)");
    advance();
    expect(Tok::LParen, "'(' after keys");
    while (!at(Tok::RParen)) {
      Loc kl = peek().loc;
      m.keys.push_back(static_cast<int>(number("a key position", /*integral=*/true)));
      MOZC_DIAGNOSTIC(KeyPositionBelowOne, Error, "key positions start at 1");
      if (m.keys.back() < 1) diags_.emit(KeyPositionBelowOne, kl);
      if (!accept(Tok::Comma)) break;
    }
    expect(Tok::RParen, "')' after the key positions");
    if (accept(Tok::Comma)) evict_policy(m);
    expect(Tok::RParen, "')'");
    expect(Tok::Dot, "'.' at the end of materialize");
    program_.tables.push_back(std::move(m));
  }

  // evict oldest | evict max(F) | evict min(F)
  void evict_policy(Materialize& m) {
    m.evict_loc = peek().loc;
    if (!at_word("evict")) fail("evict max(F), evict min(F) or evict oldest");
    advance();
    if (at_word("oldest")) {
      advance();
      m.evict = Evict::Oldest;
      return;
    }
    if (!at_word("max") && !at_word("min")) fail("max(F), min(F) or oldest after evict");
    m.evict = advance().text == "max" ? Evict::Max : Evict::Min;
    expect(Tok::LParen, "'(' and a field position");
    Loc fl = peek().loc;
    m.evict_field = static_cast<int>(number("a field position", /*integral=*/true));
    MOZC_DIAGNOSTIC(EvictFieldBelowOne, Error, "field positions start at 1");
    if (m.evict_field < 1) diags_.emit(EvictFieldBelowOne, fl);
    expect(Tok::RParen, "')' after the field position");
  }

  bool accept_infinity() {
    if (!at_word("infinity")) return false;
    advance();
    return true;
  }

  // A numeric literal or a #define'd constant holding one.
  // A lifetime or a size: 'infinity' (returned as -1, the AST's infinity) or
  // a positive number; zero and negative numbers are errors here, where the
  // number is, so that -1 can only mean infinity later.
  double positive_or_infinity(const std::string& subject, const std::string& what, bool integral) {
    if (accept_infinity()) return -1;
    Loc loc = peek().loc;
    double v = number(what, integral);
    MOZC_DIAGNOSTIC(LimitNotPositive, Error, "{0} must be positive or infinity");
    if (v <= 0) diags_.emit(LimitNotPositive, loc, subject);
    return v;
  }

  double number(const std::string& what, bool integral) {
    Loc loc = peek().loc;
    ExprPtr e = unary();
    bool neg = false;
    if (e->kind == ExprKind::Unary && e->text == "-") { neg = true; e = e->args[0]; }
    if (e->kind == ExprKind::Int || (!integral && e->kind == ExprKind::Float)) {
      double v = std::stod(e->text);
      return neg ? -v : v;
    }
    MOZC_DIAGNOSTIC(ExpectedSyntax, Error, "expected {0}");
    diags_.emit(ExpectedSyntax, loc, what);
    throw Bail{};
  }

  void schema() {
    SchemaDecl s;
    s.loc = advance().loc;
    s.pred = advance().text;
    expect(Tok::LParen, "'('");
    while (!at(Tok::RParen)) {
      s.types.push_back(type_name());
      if (!accept(Tok::Comma)) break;
    }
    expect(Tok::RParen, "')'");
    expect(Tok::Dot, "'.' at the end of schema");
    program_.schemas.push_back(std::move(s));
  }

  Type type_name() {
    const Token& t = expect(Tok::Ident, "a type (int, float, bool, string, id, addr, ip, bytes, socket, tuple, list<T>)");
    static const std::map<std::string, TypeKind> kinds = {
        {"int", TypeKind::Int}, {"float", TypeKind::Float}, {"bool", TypeKind::Bool},   {"string", TypeKind::String},
        {"id", TypeKind::Id},   {"addr", TypeKind::Addr},   {"tuple", TypeKind::Tuple},
        {"bytes", TypeKind::Bytes}, {"ip", TypeKind::Ip}, {"socket", TypeKind::Socket}};
    if (t.text == "list") {
      expect(Tok::Lt, "'<' after list");
      Type elem = type_name();
      expect(Tok::Gt, "'>'");
      return Type::list(elem);
    }
    auto it = kinds.find(t.text);
    if (it == kinds.end()) {
      MOZC_DIAGNOSTIC(UnknownType, Error, "unknown type '{0}'");
      diags_.emit(UnknownType, t.loc, t.text);
      throw Bail{};
    }
    return Type::of(it->second);
  }

  // def name(K..., &R...) [timeout(S)] [default(v, ...)] [multi] [pending(N)] { statements }
  void view_def() {
    ViewDef v;
    v.loc = advance().loc;
    const Token& name = expect(Tok::Ident, "a view name");
    v.name = name.text;
    v.name_loc = name.loc;
    expect(Tok::LParen, "'(' after the view name");
    if (!at(Tok::RParen)) {
      do {
        bool result = accept(Tok::Amp);
        const Token& p = expect(Tok::Var, "a parameter (a variable; '&' before each result)");
        MOZC_DIAGNOSTIC(ViewInputAfterResult, Error, "the inputs of a view come before its results (&R)");
        if (!result && !v.outputs.empty()) diags_.emit(ViewInputAfterResult, p.loc);
        (result ? v.outputs : v.inputs).push_back(p.text);
      } while (accept(Tok::Comma));
    }
    expect(Tok::RParen, "',' or ')' in the parameter list");
    for (;;) {
      if (at_word("timeout") && peek(1).kind == Tok::LParen) {
        advance();
        advance();
        Loc at_loc = peek().loc;
        v.timeout = number("a timeout in seconds", /*integral=*/false);
        MOZC_DIAGNOSTIC(ViewTimeoutNotPositive, Error, "a view's timeout must be positive");
        if (v.timeout <= 0) diags_.emit(ViewTimeoutNotPositive, at_loc);
        expect(Tok::RParen, "')'");
      } else if (at_word("default") && peek(1).kind == Tok::LParen) {
        v.defaults_loc = advance().loc;
        advance();
        do {
          Loc first = peek().loc;  // an operator's own location is in the middle of the expression
          v.defaults.push_back(expr());
          MOZC_DIAGNOSTIC(ViewDefaultNotLiteral, Error, "a view's default result must be a literal");
          if (!v.defaults.back()->is_constant()) diags_.emit(ViewDefaultNotLiteral, first);
        } while (accept(Tok::Comma));
        expect(Tok::RParen, "',' or ')' in default(...)");
      } else if (at_word("multi")) {
        advance();
        v.multi = true;
      } else if (at_word("pending") && peek(1).kind == Tok::LParen) {
        advance();
        advance();
        Loc at_loc = peek().loc;
        double n = number("a number of calls", /*integral=*/true);
        MOZC_DIAGNOSTIC(ViewPendingBelowOne, Error, "a view's pending(N) must allow at least one call");
        if (n < 1) diags_.emit(ViewPendingBelowOne, at_loc);
        v.pending = static_cast<int64_t>(std::min(n, 1e15));
        expect(Tok::RParen, "')'");
      } else {
        break;
      }
    }
    const Token& open = expect(Tok::LBrace, "'{' to open the view (or timeout(S), default(...), multi, pending(N))");
    // A nested def is parsed to its '}' (and then dropped), so that the
    // enclosing view's own rules and '}' are not reported as errors too.
    const bool nested = in_view_;
    MOZC_DIAGNOSTIC(NestedView, Error, "views cannot be defined inside views");
    if (nested) diags_.emit(NestedView, v.loc);
    // The statements inside go to the view, not to the program.
    in_view_ = true;
    Program outer = std::exchange(program_, Program{});
    program_.files = std::move(outer.files);
    auto restore = [&] {
      v.rules = std::move(program_.rules);
      v.tables = std::move(program_.tables);
      v.schemas = std::move(program_.schemas);
      outer.files = std::move(program_.files);
      program_ = std::move(outer);
      in_view_ = nested;
    };
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
      try {
        statement();
      } catch (Bail&) {
        synchronize();
      }
    }
    if (!accept(Tok::RBrace)) {
      restore();
      MOZC_DIAGNOSTIC(ViewNotClosed, Error, "view '{0}' is not closed: '}' expected");
      diags_.emit(ViewNotClosed, open.loc, v.name);
      throw Bail{};
    }
    restore();
    if (!nested) program_.views.push_back(std::move(v));
  }

  void best_effort() {
    BestEffortDecl b;
    b.loc = advance().loc;
    expect(Tok::LParen, "'('");
    b.pred = expect(Tok::Ident, "a predicate name").text;
    expect(Tok::RParen, "')'");
    expect(Tok::Dot, "'.'");
    program_.best_effort.push_back(std::move(b));
  }

  void rule() {
    Rule r;
    r.loc = peek().loc;
    // [name] [delete] head [:- body] .
    if (at(Tok::Ident) && peek().text != "delete" && peek(1).kind == Tok::Ident) {
      r.name = advance().text;
      r.named = true;
    }
    if (at_word("delete") && peek(1).kind == Tok::Ident) {
      advance();
      r.is_delete = true;
    }
    if (!at(Tok::Ident)) fail("a rule, fact or declaration");
    r.head = atom(true);
    if (accept(Tok::If)) {
      do {
        r.body.push_back(body_term());
      } while (accept(Tok::Comma));
    }
    const Token& dot = expect(Tok::Dot, r.body.empty() ? "':-' or '.' after the head" : "',' or '.' in the rule body");
    r.end = dot.end;
    r.source_text = std::string(sources_.slice(r.loc, r.end));
    LineCol lc = sources_.line_col(r.loc);
    r.origin = sources_.name(r.loc.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
    if (!r.named) r.name = (r.body.empty() ? "fact" : "rule") + std::to_string(++unnamed_);
    program_.rules.push_back(std::move(r));
  }

  Atom atom(bool head) {
    Atom a;
    const Token& name = expect(Tok::Ident, "a predicate name");
    a.loc = name.loc;
    a.pred = name.text;
    if (accept(Tok::At)) a.at = primary();
    expect(Tok::LParen, "'(' after the predicate name");
    if (!at(Tok::RParen)) {
      if (accept(Tok::At)) {
        MOZC_DIAGNOSTIC(TwoLocationSpecifiers, Error, "a predicate has one location specifier: p@A(x) or p(@A, "
                        "x), not both");
        if (a.at) diags_.emit(TwoLocationSpecifiers, peek().loc);
        a.ndlog_located = true;
      }
      do {
        a.args.push_back(at(Tok::Amp) ? result() : head ? head_field() : expr());
      } while (accept(Tok::Comma));
    }
    expect(Tok::RParen, "',' or ')' in the argument list");
    return a;
  }

  // A field of a rule head: an expression, or a tuple value p(...) -- a p tuple
  // carried as a value, such as the packet of an overlay's send, written as
  // --emit=rules prints a desugared p@ov::x(...). Its fields may be tuple values too.
  ExprPtr head_field() {
    if (!(at(Tok::Ident) && peek(1).kind == Tok::LParen && peek().text.rfind("f_", 0) != 0 &&
          !constants_.count(peek().text)))
      return expr();
    Nest guard(*this);
    const Token& name = advance();
    auto e = Expr::make(ExprKind::TupleCons, name.loc, name.text);
    advance();  // '('
    if (!at(Tok::RParen)) {
      do {
        e->args.push_back(head_field());
      } while (accept(Tok::Comma));
    }
    expect(Tok::RParen, "',' or ')' in the tuple value");
    return e;
  }

  // &R or &_: a result of a view call.
  ExprPtr result() {
    Loc loc = advance().loc;
    const Token& v = expect(Tok::Var, "a variable or '_' after '&'");
    auto var = Expr::make(v.text == "_" ? ExprKind::Wildcard : ExprKind::Var, v.loc, v.text);
    return Expr::make(ExprKind::Result, loc, "", {var});
  }

  BodyTerm body_term() {
    BodyTerm t;
    t.loc = peek().loc;
    if (at_word("notin") && peek(1).kind == Tok::Ident) {
      MOZC_DIAGNOSTIC(NegationUnsupported, Error, "negation ('notin', P2's form) is not supported; keep the "
                      "complement in a table of its own, or delete the row a rule must not see");
      diags_.emit(NegationUnsupported, t.loc);
      throw Bail{};
    }
    if (at(Tok::Var) && peek(1).kind == Tok::Assign) {
      t.kind = BodyTerm::Kind::Assign;
      t.var = advance().text;
      advance();
      t.expr = expr();
      return t;
    }
    if (at(Tok::Ident) && (peek(1).kind == Tok::LParen || peek(1).kind == Tok::At) &&
        peek().text.rfind("f_", 0) != 0 && !constants_.count(peek().text)) {
      t.kind = BodyTerm::Kind::Atom;
      t.atom = atom(false);
      return t;
    }
    t.kind = BodyTerm::Kind::Cond;
    t.expr = expr();
    return t;
  }

  // ---- expressions, lowest precedence first ----
  // Nesting is bounded so no input can exhaust the stack of the recursive
  // stages (the parser here, and the checker and emitter after it).
  static constexpr int kMaxNesting = 200;
  struct Nest {
    Parser& p;
    explicit Nest(Parser& parser) : p(parser) {
      if (++p.nesting_ > kMaxNesting) {
        MOZC_DIAGNOSTIC(ExpressionTooDeep, Error, "expression nested more than {0} levels deep");
        p.diags_.emit(ExpressionTooDeep, p.peek().loc, kMaxNesting);
        throw Bail{};
      }
    }
    ~Nest() { --p.nesting_; }
  };
  ExprPtr expr() {
    Nest guard(*this);
    return or_expr();
  }

  ExprPtr binary_level(ExprPtr (Parser::*next)(), std::initializer_list<Tok> ops) {
    ExprPtr lhs = (this->*next)();
    for (;;) {
      Tok k = peek().kind;
      bool match = false;
      for (Tok op : ops) match |= (k == op);
      if (!match) return lhs;
      const Token& op = advance();
      ExprPtr rhs = (this->*next)();
      lhs = Expr::make(ExprKind::Binary, op.loc, op_text(op.kind), {lhs, rhs});
    }
  }
  static std::string op_text(Tok k) {
    std::string s = tok_name(k);
    return s.substr(1, s.size() - 2);  // strip the quotes of "'+'"
  }

  ExprPtr or_expr() { return binary_level(&Parser::and_expr, {Tok::OrOr}); }
  ExprPtr and_expr() { return binary_level(&Parser::cmp_expr, {Tok::AndAnd}); }
  ExprPtr cmp_expr() {
    ExprPtr lhs = shift_expr();
    Tok k = peek().kind;
    if (k == Tok::Eq || k == Tok::Ne || k == Tok::Lt || k == Tok::Le || k == Tok::Gt || k == Tok::Ge) {
      const Token& op = advance();
      ExprPtr rhs = shift_expr();
      return Expr::make(ExprKind::Binary, op.loc, op_text(op.kind), {lhs, rhs});
    }
    if (at_word("in")) {
      Loc loc = advance().loc;
      auto e = Expr::make(ExprKind::Interval, loc);
      if (accept(Tok::LParen)) e->lo_closed = false;
      else if (accept(Tok::LBracket)) e->lo_closed = true;
      else fail("'(' or '[' to open the interval");
      ExprPtr lo = expr();
      expect(Tok::Comma, "',' in the interval");
      ExprPtr hi = expr();
      if (accept(Tok::RParen)) e->hi_closed = false;
      else if (accept(Tok::RBracket)) e->hi_closed = true;
      else fail("')' or ']' to close the interval");
      e->args = {lhs, lo, hi};
      return e;
    }
    return lhs;
  }
  ExprPtr shift_expr() { return binary_level(&Parser::add_expr, {Tok::Shl, Tok::Shr}); }
  ExprPtr add_expr() { return binary_level(&Parser::mul_expr, {Tok::Plus, Tok::Minus}); }
  ExprPtr mul_expr() { return binary_level(&Parser::unary, {Tok::Star, Tok::Slash, Tok::Percent}); }
  ExprPtr unary() {
    Nest guard(*this);
    if (at(Tok::Minus) || at(Tok::Bang)) {
      const Token& op = advance();
      ExprPtr operand = unary();
      // Fold "-5" into one literal so constants stay literals.
      if (op.kind == Tok::Minus && (operand->kind == ExprKind::Int || operand->kind == ExprKind::Float) &&
          operand->text[0] != '-') {
        operand->text = "-" + operand->text;
        operand->loc = op.loc;
        return operand;
      }
      return Expr::make(ExprKind::Unary, op.loc, op.kind == Tok::Minus ? "-" : "!", {operand});
    }
    return primary();
  }

  ExprPtr primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::Int: advance(); return Expr::make(ExprKind::Int, t.loc, t.text);
      case Tok::Float: advance(); return Expr::make(ExprKind::Float, t.loc, t.text);
      case Tok::String: advance(); return Expr::make(ExprKind::String, t.loc, t.text);
      case Tok::IdLit: advance(); return Expr::make(ExprKind::IdLit, t.loc, t.text);
      case Tok::Var: {
        advance();
        if (at(Tok::ColonColon)) {  // Ron::x: overlay names are not variables
          advance();
          return overlay_addr(t);
        }
        if (auto c = constant(t)) return c;
        if (t.text == "_") return Expr::make(ExprKind::Wildcard, t.loc, "_");
        return Expr::make(ExprKind::Var, t.loc, t.text);
      }
      case Tok::LParen: {
        advance();
        ExprPtr e = expr();
        expect(Tok::RParen, "')'");
        return e;
      }
      case Tok::LBracket: {
        advance();
        auto e = Expr::make(ExprKind::List, t.loc);
        if (!at(Tok::RBracket)) {
          do {
            e->args.push_back(expr());
          } while (accept(Tok::Comma));
        }
        expect(Tok::RBracket, "',' or ']' in the list");
        return e;
      }
      case Tok::Ident: return ident_expr();
      default: fail("an expression");
    }
  }

  ExprPtr ident_expr() {
    const Token& t = advance();
    if (accept(Tok::ColonColon)) return overlay_addr(t);
    if (t.text == "true" || t.text == "false") return Expr::make(ExprKind::Bool, t.loc, t.text);
    if (auto c = constant(t)) return c;
    if (is_aggregate_name(t.text) && at(Tok::Lt)) {
      advance();
      auto e = Expr::make(ExprKind::Aggregate, t.loc, t.text);
      if (!accept(Tok::Star)) {
        const Token& v = expect(Tok::Var, "a variable or '*' in the aggregate");
        e->args.push_back(Expr::make(ExprKind::Var, v.loc, v.text));
      }
      expect(Tok::Gt, "'>' to close the aggregate");
      return e;
    }
    if (at(Tok::LParen)) {
      if (t.text.rfind("f_", 0) != 0) {
        MOZC_DIAGNOSTIC(PredicateInExpression, Error, "predicate '{0}' cannot be used inside an expression "
                        "(functions are named f_...; a tuple value {0}(...) can only be a field of a rule head)");
        diags_.emit(PredicateInExpression, t.loc, t.text);
        throw Bail{};
      }
      advance();
      auto e = Expr::make(ExprKind::Call, t.loc, t.text);
      if (!at(Tok::RParen)) {
        do {
          e->args.push_back(expr());
        } while (accept(Tok::Comma));
      }
      expect(Tok::RParen, "',' or ')' in the call");
      return e;
    }
    MOZC_DIAGNOSTIC(UnknownConstant, Error, "unknown constant '{0}'");
    diags_.emit(UnknownConstant, t.loc, t.text);
    throw Bail{};
  }

  // ov::x, where x is a primary expression: ron::sr::[G, D] nests to the right.
  ExprPtr overlay_addr(const Token& name) {
    Nest guard(*this);
    // The wire accepts what this accepts (mosaic::Addr::valid_overlay_name, minus '.').
    bool plain = name.text.size() <= 64;
    for (char c : name.text) plain &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    MOZC_DIAGNOSTIC(InvalidOverlayName, Error, "an overlay name is made of lowercase letters, digits and '_' "
                    "(at most 64): '{0}'");
    if (!plain)
      diags_.emit(InvalidOverlayName, name.loc, name.text);
    return Expr::make(ExprKind::OverlayAddr, name.loc, name.text, {primary()});
  }

  // #include "x.moz": next to the including file, else in the module
  // directories (the standard modules such as sr.moz live there).
  std::string resolve_include(const std::string& name, Loc from) {
    namespace fs = std::filesystem;
    fs::path local = fs::path(sources_.name(from.file)).parent_path() / name;
    if (fs::path(name).is_absolute() || fs::exists(local)) return local.string();
    for (const auto& dir : module_dirs_)
      if (fs::exists(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    return local.string();  // reported as unreadable
  }

  // A use of a #define'd name: a copy of its value located at the use.
  ExprPtr constant(const Token& t) {
    auto it = constants_.find(t.text);
    if (it == constants_.end()) return nullptr;
    auto copy = std::make_shared<Expr>(*it->second);
    copy->loc = t.loc;
    return copy;
  }

  SourceManager& sources_;
  Diagnostics& diags_;
  Program program_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  std::vector<std::string> module_dirs_;
  bool in_view_ = false;
  std::map<std::string, ExprPtr> constants_;
  std::map<std::string, Loc> constant_locs_;
  std::set<std::string> seen_files_;
  int unnamed_ = 0;
  int nesting_ = 0;
};

}  // namespace

Program parse_program(const std::vector<std::string>& paths, SourceManager& sources, Diagnostics& diags,
                      const std::vector<std::string>& module_dirs) {
  Parser parser(sources, diags, module_dirs);
  for (const auto& p : paths) parser.parse_file(p, Loc{});
  Program program = parser.take();
  scope_rule_names(program, sources);
  return program;
}

}  // namespace mozc
