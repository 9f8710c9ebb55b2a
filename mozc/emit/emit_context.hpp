// What the C++ emitter's element files share while writing one program: the
// checked program, its plan, the output and the literal pool. Each file
// prints one kind of generated element; every decision it prints comes from
// the plan.
#pragma once

#include <set>
#include <string>

#include "check/program_info.hpp"
#include "emit/cpp_expr.hpp"
#include "emit/cpp_writer.hpp"
#include "plan/plan.hpp"

namespace mozc {

struct EmitContext {
  EmitContext(const CheckedProgram& cp, const Plan& plan) : cp(cp), plan(plan), exprs(pool) {}
  const CheckedProgram& cp;
  const Plan& plan;
  CppWriter w;
  LiteralPool pool;
  ExprEmitter exprs;
  std::set<std::string> sources_shown;  // origins of the rules whose source text is printed

  const PredInfo& info(const std::string& pred) const { return cp.preds.at(pred); }
};

// Generated names: the tuple type of a predicate, its table member, a field.
inline std::string tuple_type(const std::string& pred) { return cpp_tuple_struct(pred); }
inline std::string table_member(const std::string& pred) { return cpp_ident(pred) + "_"; }
inline std::string field_of(const std::string& tuple, int i) { return "get<" + std::to_string(i) + ">(" + tuple + ")"; }

// Mozlog text quoted on one line of a // comment (see comment_text in cpp_emitter.cpp).
std::string comment_text(std::string text);

// The elements, one file each.
void emit_tuple_types(EmitContext& cx);      // tuple_types.cpp: one line per predicate and index
void emit_tables(EmitContext& cx);           // tables.cpp: table members, aggregate state
void emit_timers_and_facts(EmitContext& cx); // timers_facts.cpp: periodic timers, the program's own facts
void emit_loc_spec_demux(EmitContext& cx);   // loc_spec_demux.cpp: overlay routes, this node's addresses
void emit_receive_demux(EmitContext& cx);    // receive_demux.cpp: the strands each predicate starts
void emit_strand(EmitContext& cx, const Strand& s);             // strand.cpp
void emit_aggregate(EmitContext& cx, const AggregatePlan& a);   // aggregate.cpp

// A strand's or aggregate's head result `h` leaves by LocSpecDemux (strand.cpp).
void emit_head(EmitContext& cx, const Rule& r, const std::string& h, HeadOp op);
// Opens the blocks of join steps, binding only `live` variables; returns how many to close (strand.cpp).
int emit_steps(EmitContext& cx, const std::vector<Step>& steps, const std::set<std::string>& live, int& rows);

}  // namespace mozc
