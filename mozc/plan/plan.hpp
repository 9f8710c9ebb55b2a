// The plan stage's output, which holds every decision the emitters print:
// for every rule and every predicate that can trigger it, a strand — an ordered
// list of steps (joins through chosen indexes, assignments, selections) ending
// in a head action, with the variables it reads; for every predicate its role,
// its indexes and the strands its tuples start, in order; the timers periodic
// events need. `mozc --emit=plan` prints it (plan_printer.cpp).
#pragma once

#include <map>
#include <set>
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

// What the head of a strand does with each result.
enum class HeadOp {
  Insert,
  Delete,         // a delete rule, or a Retract strand
  DeleteAtOnce,   // a local delete applied before the next strand runs (Rule::at_once): the
                  // strand reaches the head's table only through its key, so no iterator dangles
};

struct Strand {
  std::string id;  // unique C++-friendly name: <rule>_<n>
  const Rule* rule = nullptr;
  bool first_of_rule = false;  // the rule's first strand (its source is shown there)
  StrandMode mode = StrandMode::Derive;
  HeadOp head_op = HeadOp::Insert;
  int aggregate = -1;             // index into Plan::aggregates for Aggregate{Groups,Delta}
  // AggregateGroups: the group the trigger row names is recomputed too (when
  // the row is gone, a self-join can no longer find it through the table).
  bool recompute_trigger_group = false;
  std::set<std::string> live;     // variables read after they are bound; others are never bound
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
  bool head_stored = false;     // the head is a table: an emptied group deletes its row
  std::set<std::string> live;   // variables the recomputation reads
};

// A predicate's part in the dataflow, decided once here.
enum class PredRole {
  Table,            // materialized
  Event,
  ContextTable,     // a CView's table of pending calls: refuses new ones when full
  OverlaySend,      // ov.send(Dest, Packet): LocSpecDemux routes ov::x here (OverlaySendWrap)
  OverlayRecv,      // ov.recv(Packet): the payload goes on as a local tuple (OverlayRecvUnwrap)
  OverlayLocalAddr, // ov.localAddr(X): this node is ov::X for each row
  RuntimeAddr,      // localAddr(A): this node's IP address, kept by the runtime
  Tun,              // tun(Packet): strands start from Tun::Rx (packets read from the tun device);
                    // a tuple that lands here, derived or received, goes to Tun::Tx
  BuiltinCall,      // <tcp view>.init(Q, Caller, In...): a call the runtime's TCP element answers
};

// A strand a tuple starts; `sign` is +1 / -1 for strands that keep an
// aggregate up to date row by row (row added / gone), 0 for the others.
struct Dispatch {
  int strand;
  int sign = 0;
};

struct PredicatePlan {
  const PredInfo* info = nullptr;
  PredRole role = PredRole::Event;
  std::string overlay;                    // OverlaySend/Recv/LocalAddr: the overlay's name
  const BuiltinCall* builtin = nullptr;   // BuiltinCall: the view, its return and fail predicates
  bool stored = false;                    // its rows live in a table
  bool facts = true;                      // --facts rows may name it (not made by a rewrite)
  std::vector<std::vector<int>> indexes;  // secondary hash indexes its joins use
  // The strands its tuples start, in order: on an event or a new row, and when
  // a row goes (deletion, expiry, eviction, replacement). A delete applied at
  // once runs last, so the other strands of the same tuple still see its row.
  std::vector<Dispatch> on_insert, on_remove;
};

struct TimerPlan {
  double period;
  int64_t count;
  const Atom* atom;
};

struct Plan {
  std::map<std::string, PredicatePlan> predicates;  // ordered: deterministic output
  std::vector<Strand> strands;
  std::vector<AggregatePlan> aggregates;
  std::vector<TimerPlan> timers;
  std::vector<const Rule*> facts;

  const PredicatePlan& pred(const std::string& name) const { return predicates.at(name); }
  bool has_role(PredRole role) const {
    for (const auto& [name, p] : predicates)
      if (p.role == role) return true;
    return false;
  }
};

// Readable text of the plan (--emit=plan), and the words it uses for a
// strand's mode and a predicate's role (which the emitters' comments share).
std::string print_plan(const Plan& plan);
const char* mode_name(StrandMode mode);
const char* role_name(PredRole role);

Plan plan_program(const CheckedProgram& program);

// The aggregate expression of a head, or null.
const Expr* head_aggregate(const Rule& r);

}  // namespace mozc
