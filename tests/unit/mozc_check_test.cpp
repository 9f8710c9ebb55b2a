#include <doctest/doctest.h>

#include "check/type_solver.hpp"
#include "mozc_test_util.hpp"

using namespace mozc;
using mozc::testing::compile_text;

TEST_CASE("type solver: unification, flexible literals, lists") {
  TypeSolver s;
  auto v = s.fresh();
  auto num = s.fresh(TypeSolver::Flex::Numeric);
  CHECK(s.unify(v, num));
  CHECK(s.resolve(v).str() == "int");  // an unresolved numeric literal defaults to int
  CHECK(s.unify(v, s.make(TypeKind::Id)));
  CHECK(s.resolve(num).str() == "id");
  CHECK_FALSE(s.unify(num, s.make(TypeKind::String)));

  auto text = s.fresh(TypeSolver::Flex::Textual);
  CHECK_FALSE(s.unify(text, s.make(TypeKind::Int)));
  CHECK(s.unify(text, s.make(TypeKind::Addr)));

  auto elem = s.fresh();
  auto l1 = s.make(TypeKind::List, {elem});
  auto l2 = s.make(TypeKind::List, {s.make(TypeKind::Addr)});
  CHECK(s.unify(l1, l2));
  CHECK(s.resolve(elem).str() == "addr");
  CHECK_FALSE(s.unify(elem, l1));  // occurs check
}

TEST_CASE("type solver: a failed unification changes nothing") {
  TypeSolver s;
  auto a = s.fresh(), b = s.fresh();
  auto pair1 = s.make(TypeKind::List, {a});
  auto pair2 = s.make(TypeKind::List, {s.make(TypeKind::List, {b})});
  // list<a> ~ list<list<b>> binds a; then a ~ int fails and must undo nothing else.
  CHECK(s.unify(pair1, pair2));
  auto c = s.fresh();
  auto x = s.make(TypeKind::List, {c});
  auto y = s.make(TypeKind::Int);
  CHECK_FALSE(s.unify(x, y));
  CHECK(s.resolve(c).kind == TypeKind::Unknown);
}

TEST_CASE("checker: types are inferred across rules") {
  auto r = compile_text(
      "materialize(link, infinity, infinity, keys(1,2)).\n"
      "materialize(path, infinity, infinity, keys(1,2,3)).\n"
      "p1 path(@S, D, P, C) :- link(@S, D, C), P := [S, D].\n"
      "p2 best(@S, D, min<C>) :- path(@S, D, _, C).\n"
      "p3 h(K) :- path(@S, D, P, C), K := f_sha1(S), K in (0x0I, 0xffI].\n",
      Action::Check);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const auto& preds = r.c->checked->preds;
  CHECK(preds.at("link").types[0].str() == "addr");
  CHECK(preds.at("link").types[2].str() == "int");  // only used in arithmetic: defaults to int
  CHECK(preds.at("path").types[2].str() == "list<addr>");
  CHECK(preds.at("best").types[2].str() == "int");
  CHECK(preds.at("h").types[0].str() == "id");
  CHECK(preds.at("link").ndlog_located);
  CHECK(preds.at("path").keys == std::vector<int>{0, 1, 2});
}

TEST_CASE("checker: each kind of error") {
  struct Case {
    const char* program;
    const char* message;
  };
  const Case cases[] = {
      {"r1 p(X) :- q(X).\n", "unknown predicate 'q'"},
      {"schema q(int).\nr1 p(X, Y) :- q(X).\n", "unsafe rule: variable Y is not bound by the body"},
      {"schema q(int).\nr1 p(X) :- q(X, X).\n", "'q' has 2 fields here but 1 field elsewhere"},
      {"schema q(int).\nschema s(string).\nr1 p(X) :- q(X).\nr2 p(X) :- s(X).\n", "type mismatch"},
      {"schema a(int).\nschema b(int).\nr1 p(X) :- a(X), b(X).\n", "at most one event"},
      {"schema q(int).\nr1 p(X) :- q(X), Y := f_nope(X).\n", "unknown function 'f_nope'"},
      {"schema q(int).\nmaterialize(q, infinity, infinity, keys(2)).\nr1 p(X) :- q(X).\n", "out of range"},
      {"schema q(int).\nr1 p(X) :- q(X), X > min<X>.\n", "only allowed as a field of a rule head"},
      {"schema q(int).\nr1 delete p(X) :- q(X).\n", "delete needs a materialized table"},
      {"r1 p(X) :- q(X).\nr2 q(X) :- p(X).\n", "cannot infer the type of field 1"},
  };
  for (const auto& c : cases) {
    auto r = compile_text(c.program, Action::Check);
    CAPTURE(c.program);
    CHECK_FALSE(r.ok);
    CHECK(r.diagnostics().find(c.message) != std::string::npos);
  }
}

TEST_CASE("localAddr is a built-in table of this node's IP; ov.localAddr is typed like ov's nodes") {
  auto r = compile_text(
      "materialize(fwd.node, infinity, infinity, keys(1)).\n"
      "materialize(fwd.localAddr, infinity, 1, keys(1)).\n"
      "f1 fwd.recv@A(P) :- fwd.send(K, P), fwd.node(K, A).\n"
      "f2 fwd.node(K, A) :- fwd.localAddr(K), localAddr(A).\n"
      "a1 hello@fwd::0x1I(A) :- periodic(_, 1), localAddr(A).\n",
      Action::Check);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const PredInfo& local = r.c->checked->preds.at("localAddr");
  CHECK(local.runtime_kept);
  CHECK(local.materialized);
  CHECK(local.max_size == 1);
  CHECK(local.types == std::vector<Type>{Type::of(TypeKind::Addr)});
  // fwd.localAddr has no schema: its type comes from fwd's addresses (fwd::0x1I).
  const PredInfo& fwd = r.c->checked->preds.at("fwd.localAddr");
  CHECK_FALSE(fwd.runtime_kept);
  CHECK(fwd.types == std::vector<Type>{Type::of(TypeKind::Id)});
  CHECK(r.c->checked->preds.at("fwd.send").types[0] == Type::of(TypeKind::Id));
}

TEST_CASE("a tuple value in a head registers its predicate and types its fields") {
  auto r = compile_text(
      "#include \"sr.moz\"\n"
      "schema peer(addr).\n"
      "materialize(peer, infinity, infinity, keys(1)).\n"
      "a1 sr.send([A], ping(E, A)) :- periodic(E, 1), peer(A).\n"
      "materialize(pong, infinity, infinity, keys(1)).\n"
      "a2 pong(E, A) :- ping(E, A).\n",
      Action::Check);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const PredInfo& ping = r.c->checked->preds.at("ping");
  CHECK(ping.derived);  // ping is read by a2: derived once sr delivers it
  CHECK(ping.types == std::vector<Type>{Type::of(TypeKind::Int), Type::of(TypeKind::Addr)});
}
