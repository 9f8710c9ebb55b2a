#include <doctest/doctest.h>

#include "ast/printer.hpp"
#include "mozc_test_util.hpp"

using namespace mozc;
using mozc::testing::compile_text;

namespace {
std::string rules_of(const mozc::testing::Result& r) {
  std::string out;
  for (const auto& rule : r.c->checked->program.rules) out += rule_str(rule) + "\n";
  return out;
}
}  // namespace

TEST_CASE("localization: paper rule r2 ships link to Z") {
  auto r = compile_text(
      "materialize(link, infinity, infinity, keys(1,2)).\n"
      "materialize(reachable, infinity, infinity, keys(1,2)).\n"
      "r1 reachable(@S, D) :- link(@S, D).\n"
      "r2 reachable(@S, D) :- link(@S, Z), reachable(@Z, D).\n",
      Action::EmitRules);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  CHECK(rules_of(r) ==
        "r1 reachable(@S, D) :- link(@S, D).\n"
        "r2_s1 r2_ship1(@Z, S) :- link(@S, Z).\n"
        "r2 reachable(@S, D) :- r2_ship1(@Z, S), reachable(@Z, D).\n");
  const PredInfo& ship = r.c->checked->preds.at("r2_ship1");
  CHECK(ship.materialized);
  CHECK(ship.generated);
  CHECK(ship.keys == std::vector<int>{0, 1});  // link's key (S, Z), shipped as (Z, S)
}

TEST_CASE("localization: shipped keys follow the source keys; lifetimes are the shortest") {
  auto r = compile_text(
      "schema link(addr, addr, int).\n"
      "materialize(link, 20, infinity, keys(1,2)).\n"
      "schema shortest(addr, addr, int).\n"
      "materialize(shortest, infinity, infinity, keys(1,2)).\n"
      "sp2 path(@S, D, C) :- link(@S, Z, C1), shortest(@Z, D, C2), C := C1 + C2.\n"
      "sp3 shortest(@S, D, min<C>) :- path(@S, D, C).\n",
      Action::EmitRules);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const PredInfo& ship = r.c->checked->preds.at("sp2_ship1");  // (Z, S, C1)
  CHECK(ship.keys == std::vector<int>{0, 1});
  CHECK(ship.lifetime == 20);
}

TEST_CASE("localization: an event body ships an event; three locations take two steps") {
  auto r = compile_text(
      "schema ping(addr, int).\n"
      "schema c(addr, addr).\n"
      "materialize(nb, infinity, infinity, keys(1,2)).\n"
      "materialize(b, infinity, infinity, keys(1,2)).\n"
      "materialize(c, infinity, infinity, keys(1,2)).\n"
      "schema load(addr, int).\n"
      "materialize(load, infinity, infinity, keys(1)).\n"
      "p1 seen(@N, E, L) :- ping(@S, E), nb(@S, N), load(@N, L).\n"
      "t1 out(@X, W) :- nb(@X, Y), b(@Y, Z), c(@Z, W).\n",
      Action::EmitRules);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  CHECK_FALSE(r.c->checked->preds.at("p1_ship1").materialized);
  CHECK(r.c->checked->preds.at("t1_ship1").materialized);
  CHECK(r.c->checked->preds.at("t1_ship2").materialized);
  CHECK(rules_of(r).find("t1 out(@X, W) :- t1_ship2(@Z, X), c(@Z, W).") != std::string::npos);
}

TEST_CASE("localization: a location not bound at the first location is an error") {
  auto r = compile_text(
      "schema a(addr, int).\nschema b(addr, int).\n"
      "materialize(a, infinity, infinity, keys(1,2)).\nmaterialize(b, infinity, infinity, keys(1,2)).\n"
      "r1 p(@X, Y) :- a(@X, Y), b(@Z, Y).\n",
      Action::Check);
  CHECK_FALSE(r.ok);
  CHECK(r.diagnostics().find("cannot localize rule r1") != std::string::npos);
}

TEST_CASE("overlay sends: a head addressed to ov::x becomes ov.send(x, the tuple as a value)") {
  const std::string overlay =
      "schema fwd.node(id, addr).\n"
      "materialize(fwd.node, infinity, infinity, keys(1)).\n"
      "f1 fwd.recv@A(P) :- fwd.send(K, P), fwd.node(K, A).\n"
      "materialize(seen, infinity, infinity, keys(1)).\n";
  auto r = compile_text(overlay +
                            "a1 ping@fwd::0x10I(E, T) :- periodic(E, 5), T := f_now().\n"
                            "a2 seen(@fwd::K, E) :- ping(E, _), K := f_sha1(\"seen\").\n"
                            "a3 ping@R(E, T) :- ping(E, T), R := fwd::f_sha1(f_tostr(E)).\n",
                        Action::EmitRules);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const auto& rules = r.c->checked->program.rules;
  REQUIRE(rules.size() == 4);
  const Rule& a1 = rules[1];
  CHECK(rule_str(a1) == "a1 fwd.send(0x10I, ping(E, T)) :- periodic(E, 5), T := f_now().");
  CHECK(a1.derived_from == "a1");
  REQUIRE(a1.head.args.size() == 2);
  CHECK(a1.head.args[1]->kind == ExprKind::TupleCons);
  CHECK(a1.head.args[1]->type == Type::of(TypeKind::Tuple));
  CHECK_FALSE(a1.head.at);  // the send is local: fwd's own rules forward it
  // NDlog form: the address is the first field, and stays in the tuple.
  CHECK(rule_str(rules[2]) == "a2 fwd.send(K, seen(fwd::K, E)) :- ping(E, _), K := f_sha1(\"seen\").");
  // An address known only at run time is left to the runtime's LocSpecDemux.
  CHECK(rule_str(rules[3]) == "a3 ping@R(E, T) :- ping(E, T), R := fwd::f_sha1(f_tostr(E)).");
  CHECK(rules[3].derived_from.empty());

  // The printed form is a program mozc accepts, and it means the same.
  std::string printed;
  for (size_t i = 1; i < rules.size(); ++i) printed += rule_str(rules[i]) + "\n";
  auto again = compile_text(overlay + printed, Action::EmitRules);
  REQUIRE_MESSAGE(again.ok, again.diagnostics());
  std::string reprinted;
  for (size_t i = 1; i < again.c->checked->program.rules.size(); ++i)
    reprinted += rule_str(again.c->checked->program.rules[i]) + "\n";
  CHECK(reprinted == printed);
  CHECK(again.c->checked->preds.at("ping").types ==
        std::vector<Type>{Type::of(TypeKind::Int), Type::of(TypeKind::Float)});
}

TEST_CASE("overlay sends: deletions, aggregates and facts cannot be addressed to an overlay") {
  const std::string overlay =
      "schema fwd.node(id, addr).\n"
      "materialize(fwd.node, infinity, infinity, keys(1)).\n"
      "f1 fwd.recv@A(P) :- fwd.send(K, P), fwd.node(K, A).\n"
      "materialize(seen, infinity, infinity, keys(1)).\n";
  for (const char* rule : {"d1 delete seen@fwd::0x1I(E) :- periodic(E, 1).\n",
                           "t1 seen@fwd::0x1I(count<*>) :- fwd.node(_, _).\n", "seen@fwd::0x1I(1).\n"}) {
    CAPTURE(rule);
    auto r = compile_text(overlay + rule, Action::Check);
    CHECK_FALSE(r.ok);
    CHECK(r.diagnostics().find("cannot be sent to overlay address fwd::...") != std::string::npos);
  }
}
