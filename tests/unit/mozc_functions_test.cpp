// The function table (built-ins generated from stdlib/mosaic/builtins.hpp,
// user functions per compilation) and the command line that feeds it.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "check/builtins.hpp"
#include "driver/options.hpp"

using namespace mozc;

TEST_CASE("the generated built-in table has every built-in, with the signatures the header gives") {
  const std::map<std::string, std::string> expected = {
      {"f_now", "() -> float"}, {"f_rand", "() -> int"}, {"f_drand", "() -> float"}, {"f_randID", "() -> id"},
      {"f_coinFlip", "(float) -> bool"}, {"f_sha1", "(T) -> id"}, {"f_tostr", "(T) -> string"},
      {"f_float", "(int) -> float"}, {"f_int", "(float) -> int"}, {"f_min", "(T, T) -> T"},
      {"f_max", "(T, T) -> T"}, {"f_if", "(bool, T, T) -> T"}, {"f_cons", "(T, list<T>) -> list<T>"}, {"f_append", "(list<T>, T) -> list<T>"},
      {"f_concat", "(list<T>, list<T>) -> list<T>"}, {"f_member", "(list<T>, T) -> bool"},
      {"f_size", "(list<T>) -> int"}, {"f_car", "(list<T>) -> T"}, {"f_cdr", "(list<T>) -> list<T>"},
      {"f_last", "(list<T>) -> T"}, {"f_removeLast", "(list<T>) -> list<T>"}, {"f_ovName", "(addr) -> string"},
      {"f_ovAddr", "(addr) -> addr"}, {"f_ovId", "(addr) -> id"}, {"f_ovStr", "(addr) -> string"},
      {"f_routeHead", "(addr) -> addr"}, {"f_routeTail", "(addr) -> addr"}, {"f_isIp", "(addr) -> bool"},
      {"f_ipSrc", "(bytes) -> ip"}, {"f_ipDst", "(bytes) -> ip"}, {"f_ipProto", "(bytes) -> int"},
      {"f_ipTtl", "(bytes) -> int"}, {"f_ipSetSrc", "(bytes, ip) -> bytes"}, {"f_ipSetDst", "(bytes, ip) -> bytes"},
      {"f_ipSetProto", "(bytes, int) -> bytes"}, {"f_ipSetTtl", "(bytes, int) -> bytes"},
      {"f_ipNet", "(ip, int) -> ip"}, {"f_bytesSize", "(bytes) -> int"},
      {"f_bytesConcat", "(bytes, bytes) -> bytes"}, {"f_noSocket", "() -> socket"},
      {"f_isSocket", "(socket) -> bool"}, {"f_socksNeed", "(int, bytes) -> int"},
      {"f_socksNext", "(int, bytes, list<string>, list<string>) -> int"},
      {"f_socksReply", "(int, bytes, list<string>, list<string>) -> bytes"},
      {"f_socksHost", "(bytes) -> string"}, {"f_socksPort", "(bytes) -> int"},
      {"f_socksConnectReply", "(bool) -> bytes"}, {"f_socksAllowed", "(string, list<string>) -> bool"},
  };
  for (const auto& [name, text] : expected) {
    const Signature* sig = find_builtin(name);
    REQUIRE_MESSAGE(sig, name);
    CHECK_MESSAGE(sig->text == text, name);
    CHECK(sig->cpp_name.empty());  // called unqualified, through `using namespace mosaic::builtins`
  }
  CHECK(builtins().size() == expected.size());  // helpers like sha1_of and op_add are not built-ins
  // Purity comes from the header too (MOSAIC_IMPURE): exactly these vary between calls.
  const std::set<std::string> impure = {"f_now", "f_rand", "f_drand", "f_randID", "f_coinFlip"};
  for (const auto& [name, sig] : builtins()) CHECK_MESSAGE(sig.impure == (impure.count(name) > 0), name);
  const Signature* member = find_builtin("f_member");
  REQUIRE(member->params.size() == 2);
  CHECK(member->params[0].kind == TypeKind::List);
  CHECK(member->params[0].args.at(0).var == member->params[1].var);  // the same T
}

TEST_CASE("user functions are known only while their scope lives") {
  FunctionTable user;
  user["f_mine"] = Signature{{TypeTerm{TypeKind::Int, -1, {}}}, TypeTerm{TypeKind::Int, -1, {}}, "(int) -> int", "::my::f_mine"};
  CHECK(find_function("f_mine") == nullptr);
  {
    UserFunctionScope scope(user);
    const Signature* sig = find_function("f_mine");
    REQUIRE(sig);
    CHECK(sig->cpp_name == "::my::f_mine");
    CHECK(find_builtin("f_mine") == nullptr);
    CHECK(find_function("f_now") == find_builtin("f_now"));
  }
  CHECK(find_function("f_mine") == nullptr);
}

namespace {

std::optional<Options> parse(std::vector<std::string> args, std::string& error) {
  args.insert(args.begin(), "mozc");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data(), error);
}

}  // namespace

TEST_CASE("command line: --functions headers and C++ sources") {
  std::string error;
  auto o = parse({"a.moz", "--functions=x.hpp", "--functions", "y.hpp", "x.cpp", "y.cc", "b.moz", "-o", "node"}, error);
  REQUIRE(o);
  CHECK(o->inputs == std::vector<std::string>{"a.moz", "b.moz"});
  CHECK(o->function_headers == std::vector<std::string>{"x.hpp", "y.hpp"});
  CHECK(o->cpp_sources == std::vector<std::string>{"x.cpp", "y.cc"});

  CHECK_FALSE(parse({"a.moz", "x.cpp", "--emit=cpp"}, error));
  CHECK(error.find("only into a node binary") != std::string::npos);
  CHECK_FALSE(parse({"x.cpp", "-o", "node"}, error));
  CHECK(error == "no Mozlog input file");
  CHECK_FALSE(parse({"a.moz", "--functions="}, error));
  CHECK(parse({"a.moz", "--functions=x.hpp", "--check"}, error));  // a header alone is fine with --check
}
