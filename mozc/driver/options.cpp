#include "driver/options.hpp"

namespace mozc {

bool is_cpp_source(const std::string& path) {
  for (const char* ext : {".cpp", ".cc", ".cxx"}) {
    std::string e = ext;
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

const char* usage_text() {
  return "usage: mozc FILE.moz [FILE.moz ...] [-o BIN]            compile to a node executable\n"
         "       mozc FILE.moz ... --emit=ast|rules|plan|dataflow|cpp [-o OUT]\n"
         "       mozc FILE.moz ... --check                       check only\n"
         "       mozc FILE.moz ... --functions=F.hpp [F.cpp ...] [-o BIN]   with C++ functions\n"
         "       mozc --help | --version\n"
         "options:\n"
         "  -o FILE          output file (default: stdout for --emit, FILE's stem for a binary)\n"
         "  --depfile FILE   also write Make-style dependencies of the output (for build systems)\n"
         "  --cview-opt=LIST CView optimizations, comma-separated: tail (the default), inline,\n"
         "                   shortcut, relay (zero-copy tcp relays), or none\n"
         "  --functions=HDR  a C++ header whose f_ functions Mozlog may call (repeatable);\n"
         "                   inputs named *.cpp, *.cc or *.cxx are compiled into the binary\n"
         "environment:\n"
         "  MOSAIC_CXX       C++ compiler used for binaries (default: c++, through ccache if present)\n";
}

namespace {

Options only(Action action) {
  Options o;
  o.action = action;
  return o;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
  Options o;
  bool action_given = false;
  auto set_action = [&](Action a) {
    if (action_given && o.action != a) {
      error = "give one action: --check, or a single --emit=KIND";
      return false;
    }
    o.action = a;
    action_given = true;
    return true;
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= argc) {
        error = "option " + a + " needs a value";
        return false;
      }
      into = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") return only(Action::Help);
    if (a == "--version") return only(Action::Version);
    if (a == "-o") {
      if (!value(o.output)) return std::nullopt;
    } else if (a == "--depfile") {
      if (!value(o.depfile)) return std::nullopt;
    } else if (a.rfind("--cview-opt=", 0) == 0) {
      o.cview_tail_calls = o.cview_inline = o.cview_shortcut = o.cview_relay = false;
      std::string list = a.substr(12) + ",";
      for (size_t start = 0, comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
        std::string opt = list.substr(start, comma - start);
        if (opt == "tail") o.cview_tail_calls = true;
        else if (opt == "inline") o.cview_inline = true;
        else if (opt == "shortcut") o.cview_shortcut = true;
        else if (opt == "relay") o.cview_relay = true;
        else if (opt != "none") {
          error = "unknown CView optimization '" + opt + "' (expected tail, inline, shortcut, relay or none)";
          return std::nullopt;
        }
      }
    } else if (a.rfind("--functions=", 0) == 0) {
      if (a.size() == 12) {
        error = "option --functions= needs a header";
        return std::nullopt;
      }
      o.function_headers.push_back(a.substr(12));
    } else if (a == "--functions") {
      std::string header;
      if (!value(header)) return std::nullopt;
      o.function_headers.push_back(header);
    } else if (a == "--check") {
      if (!set_action(Action::Check)) return std::nullopt;
    } else if (a.rfind("--emit=", 0) == 0) {
      std::string what = a.substr(7);
      Action act;
      if (what == "ast") act = Action::EmitAst;
      else if (what == "rules") act = Action::EmitRules;
      else if (what == "plan") act = Action::EmitPlan;
      else if (what == "dataflow") act = Action::EmitDataflow;
      else if (what == "cpp") act = Action::EmitCpp;
      else {
        error = "unknown --emit kind '" + what + "' (expected ast, rules, plan, dataflow or cpp)";
        return std::nullopt;
      }
      if (!set_action(act)) return std::nullopt;
    } else if (!a.empty() && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return std::nullopt;
    } else if (is_cpp_source(a)) {
      o.cpp_sources.push_back(a);
    } else {
      o.inputs.push_back(a);
    }
  }
  if (o.inputs.empty()) {
    error = o.cpp_sources.empty() ? "no input file" : "no Mozlog input file";
    return std::nullopt;
  }
  if (!o.cpp_sources.empty() && o.action != Action::Binary) {
    error = "C++ sources (" + o.cpp_sources.front() + ") are compiled only into a node binary; drop them with --check and --emit";
    return std::nullopt;
  }
  if (o.action == Action::Check && !o.output.empty()) {
    error = "--check writes no output; drop -o";
    return std::nullopt;
  }
  return o;
}

}  // namespace mozc
