#include <doctest/doctest.h>

#include "mozc_test_util.hpp"

using namespace mozc;
using mozc::testing::compile_text;

namespace {
const Strand& strand(const Plan& plan, const std::string& id) {
  for (const auto& s : plan.strands)
    if (s.id == id) return s;
  FAIL("no strand " << id);
  throw;
}
}  // namespace

TEST_CASE("planner: one strand per table trigger; key lookup, index or scan per join") {
  auto r = compile_text(
      "schema a(int, int).\nschema b(int, int).\nschema c(int, int).\n"
      "materialize(a, infinity, infinity, keys(1,2)).\n"
      "materialize(b, infinity, infinity, keys(1)).\n"
      "materialize(c, infinity, infinity, keys(1,2)).\n"
      "j1 out(X, Z) :- a(X, Y), b(Y, Z).\n"    // from a: b's key is bound -> key lookup
      "j2 out2(X, Z) :- b(Y, Z), a(X, Y).\n"   // from b: a's 2nd field bound -> index
      "j3 out3(X, W) :- a(X, Y), c(Z, W).\n",  // nothing shared -> scan
      Action::EmitCpp);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const Plan& plan = r.c->plan;
  CHECK(strand(plan, "j1_1").trigger->pred == "a");
  CHECK(strand(plan, "j1_1").steps[0].kind == Step::Kind::KeyLookup);
  CHECK(strand(plan, "j1_2").trigger->pred == "b");
  CHECK(strand(plan, "j1_2").steps[0].kind == Step::Kind::IndexLookup);
  CHECK(plan.pred("a").indexes == std::vector<std::vector<int>>{{1}});  // one shared index on a's 2nd field
  CHECK(strand(plan, "j3_1").steps[0].kind == Step::Kind::Scan);
}

TEST_CASE("planner: an event rule gets one strand; selections are placed once their variables are bound") {
  auto r = compile_text(
      "schema ev(int).\nschema t(int, int).\n"
      "materialize(t, infinity, infinity, keys(1)).\n"
      "e1 out(X, Y) :- ev(X), t(X, Y), Y > 3, Z := Y + 1, Z < 10.\n",
      Action::EmitCpp);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  int strands = 0;
  for (const auto& s : r.c->plan.strands) strands += s.rule->name == "e1";
  CHECK(strands == 1);
  const auto& steps = strand(r.c->plan, "e1_1").steps;
  REQUIRE(steps.size() == 4);
  CHECK(steps[0].kind == Step::Kind::KeyLookup);
  CHECK(steps[1].kind == Step::Kind::Filter);
  CHECK(steps[2].kind == Step::Kind::Assign);
  CHECK(steps[3].kind == Step::Kind::Filter);
}

TEST_CASE("planner: periodic gets a timer; table aggregates are kept up to date or recomputed") {
  auto r = compile_text(
      "materialize(tick, infinity, infinity, keys(1)).\n"
      "materialize(late, infinity, infinity, keys(1)).\n"
      "t1 tick(E) :- periodic(E, 0.5, 3).\n"
      "t2 count(1, count<*>) :- tick(_).\n"                                  // one table: row by row
      "t3 latest(E, max<T>) :- tick(E), T := f_now().\n"                     // impure: recomputed
      "t4 pairs(E, count<*>) :- tick(E), late(E2), E2 > E.\n"                // a join: recomputed
      "t5 late(E) :- tick(E), E > 1.\n",
      Action::EmitCpp);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  REQUIRE(r.c->plan.timers.size() == 1);
  CHECK(r.c->plan.timers[0].period == 0.5);
  CHECK(r.c->plan.timers[0].count == 3);
  REQUIRE(r.c->plan.aggregates.size() == 3);
  CHECK(r.c->plan.aggregates[0].group_vars.empty());
  CHECK(r.c->plan.aggregates[0].incremental);
  CHECK(r.c->plan.aggregates[0].steps.empty());  // nothing to recompute, so no index for it
  CHECK(strand(r.c->plan, "t2_1").mode == StrandMode::AggregateDelta);
  CHECK_FALSE(r.c->plan.aggregates[1].incremental);
  CHECK(strand(r.c->plan, "t3_1").mode == StrandMode::AggregateGroups);
  CHECK_FALSE(r.c->plan.aggregates[2].incremental);
  CHECK(strand(r.c->plan, "t4_1").mode == StrandMode::AggregateGroups);
  CHECK(strand(r.c->plan, "t4_2").mode == StrandMode::AggregateGroups);
}

TEST_CASE("planner: impure terms run once per body match, after the joins") {
  auto r = compile_text(
      "schema peer(int).\nschema owner(id, int).\n"
      "materialize(peer, infinity, infinity, keys(1)).\nmaterialize(owner, infinity, infinity, keys(1)).\n"
      "p1 out(P, Q) :- periodic(_, 1), peer(P), Q := f_randID().\n"   // a fresh Q for every peer
      "p2 hit(A) :- periodic(_, 1), owner(_, A), f_coinFlip(0.5).\n",  // a coin per owner
      Action::EmitCpp);
  REQUIRE_MESSAGE(r.ok, r.diagnostics());
  const auto& fresh = strand(r.c->plan, "p1_1").steps;
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0].kind == Step::Kind::Scan);
  CHECK(fresh[1].kind == Step::Kind::Assign);
  const auto& keyed = strand(r.c->plan, "p2_1").steps;
  REQUIRE(keyed.size() == 2);
  CHECK(keyed[0].kind == Step::Kind::Scan);
  CHECK(keyed[1].kind == Step::Kind::Filter);
}

TEST_CASE("planner: purity of a user function comes from its declaration (MOSAIC_IMPURE)") {
  mozc::testing::TempSource header(
      "#pragma once\n#include <cstdint>\n#include <mosaic/impure.hpp>\n"
      "MOSAIC_IMPURE int64_t f_dice();\n"
      "int64_t f_seven();\n",
      "dice.hpp");
  mozc::testing::TempSource program(
      "schema peer(int).\nmaterialize(peer, infinity, infinity, keys(1)).\n"
      "d1 roll(P, R) :- periodic(_, 1), peer(P), R := f_dice().\n"    // a roll per peer
      "d2 fixed(P, R) :- periodic(_, 1), peer(P), R := f_seven().\n");  // one value per tick will do
  Options o;
  o.action = Action::EmitDataflow;
  o.inputs = {program.path()};
  o.function_headers = {header.path()};
  Compilation c;
  REQUIRE(compile(o, c));
  const auto& rolled = strand(c.plan, "d1_1").steps;
  REQUIRE(rolled.size() == 2);
  CHECK(rolled[0].kind == Step::Kind::Scan);
  CHECK(rolled[1].kind == Step::Kind::Assign);
  const auto& fixed = strand(c.plan, "d2_1").steps;
  REQUIRE(fixed.size() == 2);
  CHECK(fixed[0].kind == Step::Kind::Assign);
  CHECK(fixed[1].kind == Step::Kind::Scan);
}
