#include <doctest/doctest.h>

#include "ast/printer.hpp"
#include "mozc_test_util.hpp"
#include "parse/parser.hpp"

using namespace mozc;
using mozc::testing::TempSource;

namespace {
struct Parsed {
  SourceManager sm;
  std::unique_ptr<Diagnostics> diags = std::make_unique<Diagnostics>(sm);
  Program program;
};
std::unique_ptr<Parsed> parse_text(const std::string& text) {
  TempSource src(text);
  auto p = std::make_unique<Parsed>();
  p->program = parse_program({src.path()}, p->sm, *p->diags);
  return p;
}
}  // namespace

TEST_CASE("parser: every statement form") {
  auto p = parse_text(
      "#define PERIOD 2.5\n"
      "materialize(link, 30, 100, keys(1,2)).\n"
      "materialize(t, infinity, infinity, keys()).\n"
      "schema ev(addr, list<int>).\n"
      "best_effort(ev).\n"
      "r1 reachable(@S, D) :- link(@S, D).\n"
      "alarm@R(L) :- periodic(E, PERIOD), load(L), mon(R), L > 20.\n"
      "d1 delete link(@S, D) :- kill(@S, D), link(@S, D).\n"
      "link(\"127.0.0.1:1\", \"127.0.0.1:2\").\n");
  REQUIRE_FALSE(p->diags->has_errors());
  const Program& prog = p->program;
  REQUIRE(prog.tables.size() == 2);
  CHECK(prog.tables[0].lifetime == 30);
  CHECK(prog.tables[0].max_size == 100);
  CHECK(prog.tables[0].keys == std::vector<int>{1, 2});
  CHECK(prog.tables[1].lifetime < 0);
  CHECK(prog.tables[1].keys.empty());
  REQUIRE(prog.schemas.size() == 1);
  CHECK(prog.schemas[0].types[1].str() == "list<int>");
  CHECK(prog.best_effort.size() == 1);
  REQUIRE(prog.rules.size() == 4);
  CHECK(prog.rules[0].head.ndlog_located);
  CHECK(prog.rules[1].head.at != nullptr);            // Mozlog form
  CHECK(prog.rules[1].name == "rule1");               // generated name
  CHECK(expr_str(*prog.rules[1].body[0].atom.args[1]) == "2.5");  // #define substituted
  CHECK(prog.rules[2].is_delete);
  CHECK(prog.rules[3].is_fact());
}

TEST_CASE("parser: precedence, intervals and aggregates print back") {
  auto p = parse_text(
      "r1 p(S, min<C>) :- q(S, C, K, N), C + 1 * 2 < 3 || !(K in (N, S]), K in [N, S), K in (N, S), K in [N, S].\n");
  REQUIRE_FALSE(p->diags->has_errors());
  CHECK(rule_str(p->program.rules[0]) ==
        "r1 p(S, min<C>) :- q(S, C, K, N), ((C + (1 * 2)) < 3) || !(K in (N, S]), K in [N, S), K in (N, S), K in [N, S].");
}

TEST_CASE("parser: printed rules parse back to the same rules") {
  // Unary operators over compound operands, nested intervals, negation of negation.
  const char* text =
      "r1 p(S, B, Y) :- q(S, X, K, N), B := !(X == 3), Y := -(X + 1) * 2, -(X - 1) > 2, !(!(K in (N, S])),\n"
      "   (X + 1) in [N, S), !(X < 1 || X > 5).\n";
  auto first = parse_text(text);
  REQUIRE_FALSE(first->diags->has_errors());
  std::string printed = rule_str(first->program.rules[0]);
  CHECK(printed.find("!(X == 3)") != std::string::npos);
  CHECK(printed.find("-(X + 1)") != std::string::npos);
  auto second = parse_text(printed + "\n");
  REQUIRE_FALSE(second->diags->has_errors());
  CHECK(rule_str(second->program.rules[0]) == printed);
}

TEST_CASE("parser: recovers at the next statement and reports every error") {
  auto p = parse_text("r1 p(X) :- q(X)\nr2 q(X) :- p(X).\nr3 s(1) :- .\nr4 s(X) :- p(X).\n");
  CHECK(p->diags->error_count() == 2);
  REQUIRE(p->program.rules.size() == 1);  // r2 is swallowed by r1's recovery; r4 survives
  CHECK(p->program.rules[0].name == "r4");
}

TEST_CASE("parser: #include is relative to the including file and happens once") {
  TempSource main("#include \"lib.moz\"\n#include \"lib.moz\"\nr2 q(X) :- p(X).\n", "main.moz");
  std::ofstream(main.dir() + "/lib.moz") << "schema p(int).\nr1 p2(X) :- p(X).\n";
  SourceManager sm;
  Diagnostics diags(sm);
  Program prog = parse_program({main.path()}, sm, diags);
  CHECK_FALSE(diags.has_errors());
  CHECK(prog.rules.size() == 2);
  CHECK(prog.files.size() == 2);
}

TEST_CASE("parser: deep nesting is an error, not a crash") {
  auto p = parse_text("r1 p(X) :- q(X), X > " + std::string(5000, '(') + "1" + std::string(5000, ')') + ".\n");
  CHECK(p->diags->error_count() == 1);
}
