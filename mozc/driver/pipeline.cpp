#include "driver/pipeline.hpp"

#include <filesystem>
#include <sstream>

#include "ast/printer.hpp"
#include "check/checker.hpp"
#include "check/views.hpp"
#include "driver/clang_plugin.hpp"
#include "driver/toolchain.hpp"
#include "driver/user_functions.hpp"
#include "emit/cpp_emitter.hpp"
#include "parse/parser.hpp"
#include "rewrite/rewrite.hpp"
#include "special/special.hpp"
#include "views/expand.hpp"

namespace mozc {

std::string program_name(const Options& options) {
  return std::filesystem::path(options.inputs.front()).stem().string();
}

namespace {

// --emit=cpp is for people to read: formatted by Clang in mozc's fixed style.
// A binary's code is not formatted (nobody reads it; it would only cost time).
bool format_generated_code(Compilation& c) {
  std::string error, formatted;
  const ClangPluginApi* clang = load_clang_plugin(error);
  if (!clang || !clang->format_cpp(c.text, formatted, error)) {
    MOZC_DIAGNOSTIC(CannotFormatGeneratedCpp, Error, "cannot format the generated C++: {0}");
    c.diags.emit(CannotFormatGeneratedCpp, {}, error);
    return false;
  }
  c.text = std::move(formatted);
  return true;
}

}  // namespace

bool compile(const Options& options, Compilation& c) {
  if (!check_function_sources(options, c)) return false;
  Program parsed = parse_program(options.inputs, c.sources, c.diags, module_dirs());
  if (c.diags.has_errors()) return false;
  if (!read_user_functions(options, c)) return false;
  UserFunctionScope user_functions(c.user_functions);  // the checker and the emitter look them up
  if (!desugar_tun_fields(parsed, c.diags)) return false;
  if (!add_tcp_views(parsed, c.diags, options.cview_relay)) return false;
  if (!check_views(parsed, c.diags)) return false;
  ViewOptions views;
  views.tail_calls = options.cview_tail_calls;
  views.inline_views = options.cview_inline;
  views.local_shortcut = options.cview_shortcut;
  expand_views(parsed, views);

  c.checked = check(std::move(parsed), c.diags);
  if (!c.checked) return false;
  if (options.action == Action::EmitAst) {
    std::ostringstream out;
    print_tree(out, c.checked->program, c.sources);
    c.text = out.str();
    return true;
  }

  if (!rewrite(*c.checked, c.diags)) return false;  // the last stage that can reject a program
  if (options.action == Action::Check) return true;
  if (options.action == Action::EmitRules) {
    std::ostringstream out;
    print_source(out, c.checked->program);
    c.text = out.str();
    return true;
  }

  c.plan = plan_program(*c.checked);
  if (options.action == Action::EmitPlan) {
    c.text = print_plan(c.plan);
    return true;
  }
  if (options.action == Action::EmitDataflow) {
    c.text = emit_dataflow(c.plan, program_name(options));
    return true;
  }
  c.text = emit_cpp(*c.checked, c.plan, program_name(options), c.function_includes);
  return options.action != Action::EmitCpp || format_generated_code(c);
}

}  // namespace mozc
