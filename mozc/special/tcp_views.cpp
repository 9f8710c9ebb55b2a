// The TCP predicates of paper §4.6 as built-in views (special.hpp): each
// tcp.X a program calls gets a ViewDef without rules, which the CView
// expansion turns into calls like any other, and whose init tuples the
// runtime's TCP elements (runtime/src/tcp) answer.
#include <map>
#include <set>
#include <string>

#include "ast/visit.hpp"
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

// The relay idiom fused (--cview-opt=relay): not a view programs call. A
// write's failure is answered as Size -1 by the element itself, a read's
// fails the call, as the two calls it replaces would.
constexpr const char* kSplice = "tcp.splice";
const TcpView& splice_view() {
  static const TcpView view{{{"From", TypeKind::Socket}, {"To", TypeKind::Socket}, {"Len", TypeKind::Int}},
                            {{"Size", TypeKind::Int}},
                            "tcp.splice(From, To, Len, &Size)",
                            false};
  return view;
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
  TcpViews(Program& p, Diagnostics& diags, bool fuse) : p_(p), diags_(diags), fuse_(fuse) {}

  bool run() {
    for (const auto& v : p_.views) {
      if (!is_tcp_name(v.name)) continue;
      MOZC_DIAGNOSTIC(TcpViewDefined, Error, "'{0}' is a built-in TCP view; a program cannot define it");
      diags_.emit(TcpViewDefined, v.name_loc, v.name);
    }
    for (const auto& r : p_.rules) rule(r);
    for (const auto& v : p_.views)
      for (const auto& r : v.rules) rule(r);
    if (fuse_ && !diags_.has_errors() && !reads_errors()) {
      for (auto& r : p_.rules) fuse(r);
      for (auto& v : p_.views)
        for (auto& r : v.rules) fuse(r);
    }
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

  // Whether some rule reads tcp.read.error or tcp.write.error, which a fused
  // relay would not raise.
  bool reads_errors() const {
    auto reads = [](const Rule& r) {
      for (const auto& t : r.body)
        if (t.kind == BodyTerm::Kind::Atom && (t.atom.pred == "tcp.read.error" || t.atom.pred == "tcp.write.error"))
          return true;
      return false;
    };
    for (const auto& r : p_.rules)
      if (reads(r)) return true;
    for (const auto& v : p_.views)
      for (const auto& r : v.rules)
        if (reads(r)) return true;
    return false;
  }

  // tcp.read(A, Len, &P), tcp.write(B, P, &Size), P nowhere else
  //   -> tcp.splice(A, B, Len, &Size)
  void fuse(Rule& r) {
    for (size_t i = 0; i + 1 < r.body.size(); ++i) {
      BodyTerm& rd = r.body[i];
      BodyTerm& wr = r.body[i + 1];
      if (rd.kind != BodyTerm::Kind::Atom || wr.kind != BodyTerm::Kind::Atom) continue;
      if (rd.atom.pred != "tcp.read" || wr.atom.pred != "tcp.write" || rd.atom.at || wr.atom.at) continue;
      if (rd.atom.args.size() != 3 || wr.atom.args.size() != 3) continue;
      const Expr& out = *rd.atom.args[2];
      if (out.kind != ExprKind::Result || out.args.empty() || out.args[0]->kind != ExprKind::Var) continue;
      const std::string data = out.args[0]->text;
      if (wr.atom.args[1]->kind != ExprKind::Var || wr.atom.args[1]->text != data || uses(r, data) != 2) continue;
      Atom splice = rd.atom;
      splice.pred = kSplice;
      splice.args = {rd.atom.args[0], wr.atom.args[0], rd.atom.args[1], wr.atom.args[2]};
      rd.atom = std::move(splice);
      r.body.erase(r.body.begin() + static_cast<long>(i) + 1);
      used_.try_emplace(kSplice, rd.atom.loc);
    }
  }

  // How often variable v occurs in the rule.
  static int uses(const Rule& r, const std::string& v) {
    int n = 0;
    auto count = [&](auto& self, const Expr& e) -> void {
      if (e.kind == ExprKind::Var && e.text == v) ++n;
      for (const auto& a : e.args) self(self, *a);
    };
    for (const auto& a : r.head.args) count(count, *a);
    if (r.head.at) count(count, *r.head.at);
    for (const auto& t : r.body) {
      if (t.kind == BodyTerm::Kind::Atom) {
        for (const auto& a : t.atom.args) count(count, *a);
        if (t.atom.at) count(count, *t.atom.at);
      } else if (t.kind == BodyTerm::Kind::Assign) {
        if (t.var == v) ++n;
        if (t.expr) count(count, *t.expr);
      } else if (t.expr) {
        count(count, *t.expr);
      }
    }
    return n;
  }

  // Calls are made by the program; the definition is the compiler's, located
  // at the first use so that notes about it point into the program.
  static ViewDef definition(const std::string& name, Loc loc) {
    const TcpView& t = name == kSplice ? splice_view() : tcp_views().at(name);
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
  bool fuse_;
  std::map<std::string, Loc> used_;
};

}  // namespace

bool add_tcp_views(Program& program, Diagnostics& diags, bool fuse_relays) {
  return TcpViews(program, diags, fuse_relays).run();
}

}  // namespace mozc
