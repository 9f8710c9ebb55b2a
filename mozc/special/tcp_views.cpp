// The TCP predicates of paper §4.6 as built-in views (special.hpp): each
// tcp.X a program calls gets a ViewDef without rules, which the CView
// expansion turns into calls like any other, and whose init tuples the
// runtime's TCP elements (runtime/src/tcp) answer.
#include <map>
#include <string>

#include "special/special.hpp"

namespace mozc {

namespace {

struct Param {
  const char* name;
  TypeKind type;
};

struct TcpView {
  std::vector<Param> inputs, outputs;
  const char* doc;  // for the diagnostic that lists them
  // A failed call goes on with default results (no socket, size -1), so
  // that the rule can answer for it (a SOCKS reply, closing the other side
  // of a relay); a failed read or close ends the rule there.
  bool goes_on;
};

// The signatures (docs/language.md, "TCP: the tcp.* views", says what each does).
const std::map<std::string, TcpView>& tcp_views() {
  static const std::map<std::string, TcpView> views = {
      {"tcp.listen", {{{"Addr", TypeKind::Addr}}, {{"Listener", TypeKind::Socket}}, "tcp.listen(Addr, &Listener)", true}},
      {"tcp.accept",
       {{{"Listener", TypeKind::Socket}}, {{"Skt", TypeKind::Socket}, {"Peer", TypeKind::Addr}},
        "tcp.accept(Listener, &Skt, &Peer)", true}},
      {"tcp.connect",
       {{{"Host", TypeKind::String}, {"Port", TypeKind::Int}}, {{"Skt", TypeKind::Socket}},
        "tcp.connect(Host, Port, &Skt)", true}},
      {"tcp.read",
       {{{"Skt", TypeKind::Socket}, {"Len", TypeKind::Int}}, {{"Data", TypeKind::Bytes}}, "tcp.read(Skt, Len, &Data)",
        false}},
      {"tcp.write",
       {{{"Skt", TypeKind::Socket}, {"Data", TypeKind::Bytes}}, {{"Size", TypeKind::Int}}, "tcp.write(Skt, Data, &Size)",
        true}},
      {"tcp.close", {{{"Skt", TypeKind::Socket}}, {{"Closed", TypeKind::Bool}}, "tcp.close(Skt, &Closed)", false}},
  };
  return views;
}

std::string all_views() {
  std::string out;
  for (const auto& [name, v] : tcp_views()) out += (out.empty() ? "" : ", ") + std::string(v.doc);
  return out;
}

// tcp.X, one name under tcp: a view's call. Longer names (tcp.read.error,
// tcp.read.init) are the predicates its calls make, which rules may read.
bool is_tcp_name(const std::string& pred) {
  return pred.rfind(kTcpPrefix, 0) == 0 && pred.find('.', std::char_traits<char>::length(kTcpPrefix)) == std::string::npos;
}

class TcpViews {
 public:
  TcpViews(Program& p, Diagnostics& diags) : p_(p), diags_(diags) {}

  bool run() {
    for (const auto& v : p_.views) {
      if (!is_tcp_name(v.name)) continue;
      MOZC_DIAGNOSTIC(TcpViewDefined, Error, "'{0}' is a built-in TCP view; a program cannot define it");
      diags_.emit(TcpViewDefined, v.name_loc, v.name);
    }
    for (const auto& r : p_.rules) rule(r);
    for (const auto& v : p_.views)
      for (const auto& r : v.rules) rule(r);
    for (auto& [name, loc] : used_) p_.views.push_back(definition(name, loc));
    return !diags_.has_errors();
  }

 private:
  void rule(const Rule& r) {
    atom(r.head);
    for (const auto& t : r.body)
      if (t.kind == BodyTerm::Kind::Atom) atom(t.atom);
  }

  void atom(const Atom& a) {
    if (!is_tcp_name(a.pred)) return;
    if (!tcp_views().count(a.pred)) {
      MOZC_DIAGNOSTIC(TcpUnknown, Error, "'{0}' is no TCP predicate; the TCP views are {1}");
      diags_.emit(TcpUnknown, a.loc, a.pred, all_views());
      return;
    }
    used_.try_emplace(a.pred, a.loc);
  }

  // What a failed call goes on with (docs/language.md): no socket, no
  // address, size -1.
  static ExprPtr failed_result(TypeKind type, Loc loc) {
    switch (type) {
      case TypeKind::Socket: return Expr::make(ExprKind::Call, loc, "f_noSocket");
      case TypeKind::Addr: return Expr::make(ExprKind::String, loc, "0.0.0.0:0");
      case TypeKind::Bytes: return Expr::make(ExprKind::String, loc, "0x");
      case TypeKind::Int: return Expr::make(ExprKind::Int, loc, "-1");
      default: return Expr::make(ExprKind::Bool, loc, "false");
    }
  }

  // Calls are made by the program; the definition is the compiler's, located
  // at the first use so that notes about it point into the program.
  static ViewDef definition(const std::string& name, Loc loc) {
    const TcpView& t = tcp_views().at(name);
    ViewDef v;
    v.loc = v.name_loc = v.defaults_loc = loc;
    v.name = name;
    v.builtin = true;
    v.timeout = 0;  // none: the TCP elements end every call themselves (docs/language.md)
    for (const auto& p : t.inputs) v.inputs.push_back(p.name), v.input_types.push_back(Type::of(p.type));
    for (const auto& p : t.outputs) {
      v.outputs.push_back(p.name);
      v.output_types.push_back(Type::of(p.type));
      if (t.goes_on) v.defaults.push_back(failed_result(p.type, loc));
    }
    return v;
  }

  Program& p_;
  Diagnostics& diags_;
  std::map<std::string, Loc> used_;
};

}  // namespace

bool add_tcp_views(Program& program, Diagnostics& diags) { return TcpViews(program, diags).run(); }

}  // namespace mozc
