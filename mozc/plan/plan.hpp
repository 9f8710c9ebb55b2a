// The plan stage's output: for every rule and every predicate that can trigger
// it, a strand — an ordered list of steps (joins through chosen indexes,
// assignments, selections) ending in a head action. Also the hash indexes each
// table needs and the timers that periodic events need.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "check/program_info.hpp"

namespace mozc {

struct Binding {
  int field;        // position in the tuple
  std::string var;  // variable bound from it
};
struct FieldCheck {
  int field;
  ExprPtr value;  // a literal or an expression over bound variables
};

struct Step {
  enum class Kind { Scan, KeyLookup, IndexLookup, Assign, Filter };
  Kind kind;
  // Joins (Scan, KeyLookup, IndexLookup):
  const Atom* atom = nullptr;
  int index = -1;                    // IndexLookup: which index of the table
  std::vector<int> lookup_fields;    // fields whose values are known before the join
  std::vector<ExprPtr> lookup_values;
  std::vector<Binding> binds;        // fields that bind new variables
  std::vector<FieldCheck> checks;    // other known fields, compared after the lookup
  std::string bind_local;            // p@A(...) with A unbound: A := this node's address
  ExprPtr check_local;               // p@A(...) with A known: A must be this node
  // Assign / Filter:
  std::string var;
  ExprPtr expr;
};

enum class StrandMode {
  Derive,           // emit (or delete) the head for every result
  Retract,          // delete the head's shipped copy: its source row went away
  AggregateEvent,   // aggregate the results of this one firing per group, then emit
  AggregateGroups,  // collect the groups this change touches, then recompute them
  AggregateDelta,   // one-table aggregate: add the row's value to its group, or take it back
};

struct Strand {
  std::string id;  // unique C++-friendly name: <rule>_<n>
  const Rule* rule = nullptr;
  StrandMode mode = StrandMode::Derive;
  const Atom* trigger = nullptr;  // the body atom whose tuples start the strand
  int timer = -1;                 // periodic trigger: index into Plan::timers
  std::vector<Binding> trigger_binds;
  std::vector<FieldCheck> trigger_checks;
  std::string trigger_bind_local;
  ExprPtr trigger_check_local;
  std::vector<Step> steps;
};

struct AggregatePlan {
  const Rule* rule = nullptr;
  std::string id;
  int agg_field = -1;
  std::vector<std::string> group_vars;  // head variables forming the group, in head order
  std::vector<Step> steps;              // joins of the whole body with the group bound
  // Kept up to date row by row (StrandMode::AggregateDelta) rather than
  // recomputed: the body reads one table and calls nothing impure, so each
  // row's contribution can be taken back exactly when the row goes.
  bool incremental = false;
};

struct TimerPlan {
  double period;
  int64_t count;
  const Atom* atom;
};

struct Plan {
  std::vector<Strand> strands;
  std::vector<AggregatePlan> aggregates;
  std::vector<TimerPlan> timers;
  std::map<std::string, std::vector<std::vector<int>>> indexes;  // table -> index field lists
  std::vector<const Rule*> facts;
};

Plan plan_program(const CheckedProgram& program);

// The aggregate expression of a head, or null.
const Expr* head_aggregate(const Rule& r);

}  // namespace mozc
