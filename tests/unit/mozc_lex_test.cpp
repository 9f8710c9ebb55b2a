#include <doctest/doctest.h>

#include <memory>

#include "lex/lexer.hpp"

using namespace mozc;

namespace {
struct Lexed {
  SourceManager sm;
  Diagnostics diags{sm};
  std::vector<Token> toks;
};
std::unique_ptr<Lexed> lex_text(const std::string& text) {
  auto l = std::make_unique<Lexed>();
  l->toks = lex(l->sm, l->sm.add("t.moz", text), l->diags);
  return l;
}
}  // namespace

TEST_CASE("lexer: names, variables, literals and operators") {
  auto l = lex_text("r1 ron.RT(@S, _X) :- x := 0x1fI, 2.5e3 \"a\\\"b\" <= << :: != 0x10 -7.");
  auto& t = l->toks;
  auto* d = &l->diags;
  REQUIRE_FALSE(d->has_errors());
  std::vector<Tok> kinds;
  for (const auto& tok : t) kinds.push_back(tok.kind);
  std::vector<Tok> want = {Tok::Ident, Tok::Ident, Tok::LParen, Tok::At, Tok::Var, Tok::Comma, Tok::Var,
                           Tok::RParen, Tok::If, Tok::Ident, Tok::Assign, Tok::IdLit, Tok::Comma, Tok::Float,
                           Tok::String, Tok::Le, Tok::Shl, Tok::ColonColon, Tok::Ne, Tok::Int, Tok::Minus,
                           Tok::Int, Tok::Dot, Tok::Eof};
  CHECK(kinds == want);
  CHECK(t[1].text == "ron.RT");       // dotted name
  CHECK(t[11].text == "1f");          // id digits
  CHECK(t[14].text == "a\"b");        // unescaped
  CHECK(t[19].text == "16");          // hex integer as decimal
}

TEST_CASE("lexer: a dot ends a statement unless a letter follows it directly") {
  auto l = lex_text("p(X).\nq(Y).");
  auto& t = l->toks;
  CHECK(t[4].kind == Tok::Dot);
  CHECK(t[5].kind == Tok::Ident);
  CHECK(t[5].text == "q");
}

TEST_CASE("lexer: errors are located and lexing goes on") {
  auto l = lex_text("p(\"open\nq(X) = 1 $\n/* never closed");
  auto& t = l->toks;
  auto* d = &l->diags;
  auto& sm = l->sm;
  REQUIRE(d->error_count() == 4);
  CHECK(d->all()[0].message == "unterminated string literal");
  CHECK(d->all()[1].kind == DiagnosticKind::SingleEqualsNotOperator);
  CHECK(sm.line_col(d->all()[1].loc).line == 2);  // '='
  CHECK(d->all()[2].message == "unexpected character '$'");
  CHECK(d->all()[3].message == "unterminated comment");
  CHECK(t.back().kind == Tok::Eof);
}

TEST_CASE("lexer: literals that do not fit are rejected") {
  auto l = lex_text("p(99999999999999999999, 0x1ffffffffffffffffffffffffffffffffffffffffI, 0x)");
  auto* d = &l->diags;
  CHECK(d->error_count() == 3);
}
