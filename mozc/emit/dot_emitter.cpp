// --emit=dataflow: the node's dataflow as Graphviz dot, after the paper's
// Figure 4, top to bottom: Network In and timers -> Mux -> ReceiveDemux ->
// rule strands (with their joins and the indexes they use) -> LocSpecDemux ->
// Network Out. With overlays, LocSpecDemux -> OverlaySendWrap -> ov.send, and
// ov.recv -> OverlayRecvUnwrap -> Mux. The MOSAIC elements are bold, as in the
// paper; edges back into the Mux do not constrain the layout, so the main flow
// reads downwards. Render: mozc prog.moz --emit=dataflow | dot -Tsvg > prog.svg
#include <set>
#include <sstream>

#include "ast/printer.hpp"
#include "emit/cpp_emitter.hpp"

namespace mozc {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// One left-aligned line of a multi-line label.
std::string line(const std::string& text) { return esc(text) + "\\l"; }

std::string fields_text(const std::vector<int>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + std::to_string(fields[i] + 1);
  return out;
}

std::string join_text(const Step& st, const Plan& plan) {
  std::string how = "scan";
  if (st.kind == Step::Kind::KeyLookup) how = "key lookup";
  if (st.kind == Step::Kind::IndexLookup) {
    how = "index " + std::to_string(st.index);
    how = "index on field " + fields_text(plan.pred(st.atom->pred).indexes.at(st.index));
  }
  return "join " + st.atom->pred + " (" + how + ")";
}

const char* mode_text(StrandMode m) {
  switch (m) {
    case StrandMode::Derive: return "";
    case StrandMode::Retract: return ", retract shipped copies";
    case StrandMode::AggregateEvent: return ", aggregate per firing";
    case StrandMode::AggregateGroups: return ", recompute touched groups";
    case StrandMode::AggregateDelta: return ", update the row's group";
  }
  return "";
}

std::string head_text(const Strand& s) {
  const Atom& h = s.rule->head;
  bool deletes = s.head_op != HeadOp::Insert;
  std::string at = h.at ? "@" + expr_str(*h.at) : h.ndlog_located && !h.args.empty() ? "@" + expr_str(*h.args[0]) : "";
  return "-> " + std::string(deletes ? "delete " : "") + h.pred + at;
}

std::string steps_text(const std::vector<Step>& steps, const Plan& plan, const std::string& indent) {
  std::string out;
  for (const auto& st : steps) {
    if (st.kind == Step::Kind::Assign) out += line(indent + st.var + " := " + expr_str(*st.expr));
    else if (st.kind == Step::Kind::Filter) out += line(indent + "select " + expr_str(*st.expr));
    else out += line(indent + join_text(st, plan));
  }
  return out;
}

// The plan that recomputes a group of the strand's aggregate, if it has one.
const AggregatePlan* recompute_plan(const Strand& s, const Plan& plan) {
  return s.mode == StrandMode::AggregateGroups ? &plan.aggregates.at(s.aggregate) : nullptr;
}

std::string strand_label(const Strand& s, const Plan& plan) {
  std::string label = line("strand " + s.id + ": rule " + s.rule->name + " @ " + s.rule->origin);
  std::string on = s.timer >= 0 ? "periodic timer " + std::to_string(s.timer) : s.trigger->pred;
  label += line("on " + on + mode_text(s.mode));
  label += steps_text(s.steps, plan, "");
  if (const AggregatePlan* a = recompute_plan(s, plan)) {
    label += line("recompute each group:");
    label += steps_text(a->steps, plan, "  ");
  }
  return label + line(head_text(s));
}

std::string quoted_id(const std::string& prefix, const std::string& name) { return "\"" + prefix + esc(name) + "\""; }

}  // namespace

std::string emit_dataflow(const Plan& plan, const std::string& name) {
  std::ostringstream o;
  o << "digraph \"" << esc(name) << "\" {\n";
  o << "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.4, label=\""
    << esc(name) << ": dataflow of one node\", labelloc=t];\n";
  o << "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  o << "  edge [fontname=\"Helvetica\", fontsize=9];\n";

  o << "  // elements\n";
  o << "  net_in [label=\"Network In (UDP)\", shape=cds];\n";
  if (!plan.timers.empty()) {
    std::string label = line("timers");
    for (size_t i = 0; i < plan.timers.size(); ++i) {
      std::ostringstream period;
      period << plan.timers[i].period;
      std::string count = plan.timers[i].count <= 0 ? "" : ", " + std::to_string(plan.timers[i].count) + " times";  // 0: forever
      label += line(std::to_string(i) + ": every " + period.str() + " s" + count);
    }
    o << "  timers [label=\"" << label << "\", shape=ellipse];\n";
    o << "  { rank=same; net_in; timers; }\n";
  }
  o << "  mux [label=\"Mux (local queue)\", shape=invtrapezium];\n";
  o << "  demux [label=\"ReceiveDemux\", shape=trapezium];\n";
  o << "  locspec [label=\"LocSpecDemux\", shape=trapezium, style=bold];\n";
  o << "  net_out [label=\"Network Out (UDP)\", shape=cds];\n";
  std::string sends, recvs;
  for (const auto& [pred, p] : plan.predicates) {
    if (p.role == PredRole::OverlaySend) sends += (sends.empty() ? "" : ", ") + pred;
    if (p.role == PredRole::OverlayRecv) recvs += (recvs.empty() ? "" : ", ") + pred;
  }
  if (!sends.empty()) o << "  wrap [label=\"OverlaySendWrap\\nt@ov::x -> ov.send(x, t)\", style=bold];\n";
  if (!recvs.empty()) o << "  unwrap [label=\"OverlayRecvUnwrap\\nov.recv(P) -> P\", style=bold];\n";
  // Paper §5.3: Tun::Rx and Tun::Tx sit in the tun strand, right after ReceiveDemux.
  const bool tun = plan.has_role(PredRole::Tun);
  if (tun) {
    o << "  tun_rx [label=\"Tun::Rx\\n/dev/net/tun -> tun(Pkt)\", shape=cds, style=bold];\n";
    o << "  tun_tx [label=\"Tun::Tx\\ntun(Pkt) -> /dev/net/tun\", shape=cds, style=bold];\n";
  }
  // Paper §5.3: each TCP predicate has an element that takes its calls (init
  // tuples) from ReceiveDemux and puts the answers back into the Mux.
  std::map<std::string, std::pair<std::string, std::string>> tcp;  // view -> (inits, answers)
  for (const auto& [pred, p] : plan.predicates) {
    if (p.role != PredRole::BuiltinCall) continue;
    auto& [inits, answers] = tcp[p.builtin->view];
    inits += (inits.empty() ? "" : ", ") + pred;
    answers += (answers.empty() ? "" : ", ") + p.builtin->ret + ", " + p.builtin->fail;
  }
  for (const auto& [view, io] : tcp)
    o << "  " << quoted_id("tcp_", view) << " [label=\"" << esc(view) << " element\\nsocket\", shape=cds, style=bold];\n";

  o << "  subgraph cluster_tables {\n    label=\"tables\"; style=dashed; fontsize=10;\n";
  for (const auto& [pred, p] : plan.predicates) {
    if (!p.stored) continue;
    std::string label = esc(pred);
    for (const auto& fields : p.indexes) label += "\\nindex on field " + fields_text(fields);
    o << "    " << quoted_id("t_", pred) << " [shape=cylinder, label=\"" << label << "\"];\n";
  }
  o << "  }\n";
  o << "  subgraph cluster_strands {\n    label=\"rule strands\"; style=filled; color=lightgrey; fontsize=10;\n";
  o << "    node [style=filled, fillcolor=white];\n";
  for (const auto& s : plan.strands)
    o << "    " << quoted_id("s_", s.id) << " [label=\"" << strand_label(s, plan) << "\"];\n";
  o << "  }\n";

  o << "  // the main flow, downwards\n";
  o << "  net_in -> mux;\n  mux -> demux;\n";
  for (const auto& s : plan.strands) {
    std::string id = quoted_id("s_", s.id);
    if (s.timer >= 0) o << "  timers -> " << id << " [label=\"" << s.timer << "\"];\n";
    else if (tun && is_tun(s.trigger->pred)) o << "  tun_rx -> " << id << " [label=\"tun\"];\n";
    else o << "  demux -> " << id << " [label=\"" << esc(s.trigger->pred) << "\"];\n";
    o << "  " << id << " -> locspec;\n";
  }
  if (!recvs.empty()) o << "  demux -> unwrap [label=\"" << esc(recvs) << "\"];\n";
  if (tun) o << "  demux -> tun_tx [label=\"tun\"];\n";
  for (const auto& [view, io] : tcp) {
    o << "  demux -> " << quoted_id("tcp_", view) << " [label=\"" << esc(io.first) << "\"];\n";
    o << "  " << quoted_id("tcp_", view) << " -> mux [label=\"" << esc(io.second) << "\"];\n";
  }
  o << "  locspec -> net_out [label=\"@IP:port\"];\n";
  if (!sends.empty()) o << "  locspec -> wrap [label=\"@ov::x\"];\n";

  o << "  // tables: rows stored on arrival, read by joins\n";
  for (const auto& [pred, p] : plan.predicates)
    if (p.stored) o << "  demux -> " << quoted_id("t_", pred) << " [style=dashed, label=\"store\"];\n";
  for (const auto& s : plan.strands) {
    std::vector<const Step*> reads;
    for (const auto& st : s.steps) reads.push_back(&st);
    if (const AggregatePlan* a = recompute_plan(s, plan))
      for (const auto& st : a->steps) reads.push_back(&st);
    std::set<std::string> tables;
    for (const Step* st : reads)
      if (st->atom && tables.insert(st->atom->pred).second)
        o << "  " << quoted_id("t_", st->atom->pred) << " -> " << quoted_id("s_", s.id)
          << " [style=dotted, arrowhead=empty];\n";
  }

  o << "  // back into the Mux (not part of the layout's ranking)\n";
  o << "  locspec -> mux [label=\"local\", constraint=false];\n";
  if (!sends.empty()) o << "  wrap -> mux [label=\"" << esc(sends) << "\", constraint=false];\n";
  if (!recvs.empty()) o << "  unwrap -> mux [label=\"payload\", constraint=false];\n";
  o << "}\n";
  return o.str();
}

}  // namespace mozc
