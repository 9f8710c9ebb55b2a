// A socket (type `socket`, from the tcp.* views) names an open socket of the
// node that holds it and nothing anywhere else, so no rule may send one to
// another node: a head located at a node the body is not at, a tuple value
// (which an overlay carries), or a view answered across nodes. The runtime
// backs this up (a socket never decodes), but a program that tries gets a
// located error here rather than dropped tuples at run time.
#include <set>

#include "check/check_context.hpp"

namespace mozc {

namespace {

bool holds_socket(const Type& t) {
  if (t.kind == TypeKind::Socket) return true;
  for (const auto& a : t.args)
    if (holds_socket(a)) return true;
  return false;
}

// The first field of `pred` that holds a socket, or -1.
int socket_field(const CheckContext& cx, const std::string& pred) {
  auto it = cx.preds.find(pred);
  if (it == cx.preds.end()) return -1;
  for (size_t i = 0; i < it->second.types.size(); ++i)
    if (holds_socket(it->second.types[i])) return static_cast<int>(i);
  return -1;
}

const Expr* location(const Atom& a) {
  if (a.at) return a.at.get();
  if (a.ndlog_located && !a.args.empty()) return a.args[0].get();
  return nullptr;
}

// The head goes where the body is: its location is the body's own variable,
// or this node's address (localAddr(Me)).
bool stays(const Rule& r, const Expr& where) {
  if (where.kind != ExprKind::Var) return false;
  for (const auto& t : r.body) {
    if (t.kind != BodyTerm::Kind::Atom) continue;
    const Expr* at = location(t.atom);
    if (at && at->kind == ExprKind::Var && at->text == where.text) return true;
    if (is_local_addr(t.atom.pred) && t.atom.args.size() == 1 && t.atom.args[0]->kind == ExprKind::Var &&
        t.atom.args[0]->text == where.text)
      return true;
  }
  return false;
}

// "view 'ping'": what a generated predicate was made for.
std::string origin(const CheckContext& cx, const std::string& pred) {
  auto it = cx.program.generated_fields.find(pred);
  return it == cx.program.generated_fields.end() ? "'" + pred + "'" : it->second.origin;
}

// The instance prefix of <prefix>.return / <prefix>.init, or "".
std::string view_prefix(const std::string& pred, const char* suffix) {
  const std::string end = std::string(".") + suffix;
  if (pred.size() <= end.size() || pred.compare(pred.size() - end.size(), end.size(), end) != 0) return "";
  return pred.substr(0, pred.size() - end.size());
}

}  // namespace

void check_sockets_stay(CheckContext& cx) {
  MOZC_DIAGNOSTIC(SocketSent, Error, "field {0} of '{1}' is a socket, which means something only at its own "
                  "node; this sends it to {2}");
  MOZC_DIAGNOSTIC(SocketViewRemote, Error, "{0} is called at another node here, but {1} a socket, "
                  "which means something only at its own node");
  std::set<std::string> reported;  // a view's answer comes from several rules; one error for it
  for (auto& r : cx.program.rules) {
    const Atom& h = r.head;
    int field = socket_field(cx, h.pred);
    if (field >= 0) {
      const Expr* where = location(h);
      std::string ret = view_prefix(h.pred, "return"), init = view_prefix(h.pred, "init");
      auto remote = cx.program.remote_view_calls.find(ret);
      if (!ret.empty() && remote != cx.program.remote_view_calls.end()) {
        if (reported.insert(ret).second) cx.diags.emit(SocketViewRemote, remote->second, origin(cx, h.pred), "it answers with");
      } else if (!init.empty() && where) {
        cx.diags.emit(SocketViewRemote, h.loc, origin(cx, h.pred), "it takes");
      } else if (ret.empty() && init.empty() && where && !stays(r, *where)) {
        cx.diags.emit(SocketSent, h.loc, field + 1, h.pred, "node " + where->text);
      }
    }
    for_each_tuple_value(r, [&](Expr& e) {
      if (int f = socket_field(cx, e.text); f >= 0)
        cx.diags.emit(SocketSent, e.loc, f + 1, e.text, "wherever the tuple value goes");
    });
  }
}

}  // namespace mozc
