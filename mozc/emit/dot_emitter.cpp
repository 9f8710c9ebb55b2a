// --emit=dataflow: the node's dataflow as Graphviz dot, after the paper's
// Figure 4: network in -> Mux -> ReceiveDemux -> strands (with their joins and
// indexes) -> LocSpecDemux -> Mux (local) or network out; with overlays,
// LocSpecDemux -> OverlaySendWrap -> ov.send, and ov.recv -> OverlayRecvUnwrap -> Mux.
#include <set>
#include <sstream>

#include "emit/cpp_emitter.hpp"

namespace mozc {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

std::string join_label(const Step& st) {
  std::string how = st.kind == Step::Kind::KeyLookup   ? "key"
                    : st.kind == Step::Kind::IndexLookup ? "index " + std::to_string(st.index)
                                                         : "scan";
  return "join " + st.atom->pred + " (" + how + ")";
}

}  // namespace

std::string emit_dataflow(const CheckedProgram& program, const Plan& plan, const std::string& name) {
  std::ostringstream o;
  o << "digraph \"" << esc(name) << "\" {\n";
  o << "  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  o << "  net_in [label=\"Network In (UDP)\", shape=cds];\n";
  o << "  net_out [label=\"Network Out (UDP)\", shape=cds];\n";
  o << "  mux [label=\"Mux\", shape=trapezium];\n";
  o << "  demux [label=\"ReceiveDemux\", shape=invtrapezium];\n";
  o << "  locspec [label=\"LocSpecDemux\", shape=invtrapezium];\n";
  o << "  net_in -> mux;\n  mux -> demux;\n  locspec -> mux [label=\"local\"];\n  locspec -> net_out [label=\"@IP:port\"];\n";
  if (!plan.timers.empty()) o << "  timers [label=\"periodic timers\", shape=ellipse];\n";
  std::string sends, recvs;
  for (const auto& [pred, p] : program.preds) {
    if (!data_plane_overlay(pred, "send").empty()) sends += (sends.empty() ? "" : ", ") + pred;
    if (!data_plane_overlay(pred, "recv").empty()) recvs += (recvs.empty() ? "" : ", ") + pred;
  }
  if (!sends.empty()) {
    o << "  wrap [label=\"OverlaySendWrap\\nt@ov::x -> ov.send(x, t)\", style=bold];\n";
    o << "  locspec -> wrap [label=\"@ov::x\"];\n  wrap -> mux [label=\"" << esc(sends) << "\"];\n";
  }
  if (!recvs.empty()) {
    o << "  unwrap [label=\"OverlayRecvUnwrap\\nov.recv(P) -> P\", style=bold];\n";
    o << "  demux -> unwrap [label=\"" << esc(recvs) << "\"];\n  unwrap -> mux [label=\"payload\"];\n";
  }
  o << "  subgraph cluster_tables {\n    label=\"tables\"; style=dashed;\n";
  for (const auto& [pred, p] : program.preds) {
    if (!p.materialized) continue;
    std::string idx;
    auto it = plan.indexes.find(pred);
    if (it != plan.indexes.end())
      for (const auto& fields : it->second) {
        idx += "\\nindex(";
        for (size_t i = 0; i < fields.size(); ++i) idx += (i ? "," : "") + std::to_string(fields[i] + 1);
        idx += ")";
      }
    o << "    \"t_" << esc(pred) << "\" [shape=cylinder, label=\"" << esc(pred) << idx << "\"];\n";
  }
  o << "  }\n";
  o << "  subgraph cluster_strands {\n    label=\"rule strands\"; style=filled; color=lightgrey;\n";
  for (const auto& s : plan.strands) {
    std::string label = "strand " + s.id + "\\ntrigger: " + s.trigger->pred;
    for (const auto& st : s.steps) {
      if (st.kind == Step::Kind::Assign) label += "\\nassign " + st.var;
      else if (st.kind == Step::Kind::Filter) label += "\\nselect";
      else label += "\\n" + join_label(st);
    }
    label += "\\n-> " + std::string(s.rule->is_delete || s.mode == StrandMode::Retract ? "delete " : "") + s.rule->head.pred;
    o << "    \"s_" << esc(s.id) << "\" [label=\"" << label << "\"];\n";
  }
  o << "  }\n";
  for (const auto& s : plan.strands) {
    std::string id = "\"s_" + esc(s.id) + "\"";
    if (s.timer >= 0) o << "  timers -> " << id << ";\n";
    else o << "  demux -> " << id << " [label=\"" << esc(s.trigger->pred) << "\"];\n";
    for (const auto& st : s.steps)
      if (st.atom) o << "  \"t_" << esc(st.atom->pred) << "\" -> " << id << " [style=dotted];\n";
    o << "  " << id << " -> locspec;\n";
  }
  std::set<std::string> stored;
  for (const auto& [pred, p] : program.preds)
    if (p.materialized) o << "  demux -> \"t_" << esc(pred) << "\" [label=\"insert\", style=dashed];\n";
  o << "}\n";
  return o.str();
}

}  // namespace mozc
