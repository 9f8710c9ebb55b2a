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
