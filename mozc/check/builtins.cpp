#include "check/builtins.hpp"

namespace mozc {

namespace {

thread_local const FunctionTable* current_user_functions = nullptr;

}  // namespace

const FunctionTable& builtins() {
  static const FunctionTable table = stdlib_builtin_signatures();
  return table;
}

const Signature* find_builtin(const std::string& name) {
  auto it = builtins().find(name);
  return it == builtins().end() ? nullptr : &it->second;
}

UserFunctionScope::UserFunctionScope(const FunctionTable& functions) : previous_(current_user_functions) {
  current_user_functions = &functions;
}

UserFunctionScope::~UserFunctionScope() { current_user_functions = previous_; }

const Signature* find_function(const std::string& name) {
  if (const Signature* builtin = find_builtin(name)) return builtin;
  if (!current_user_functions) return nullptr;
  auto it = current_user_functions->find(name);
  return it == current_user_functions->end() ? nullptr : &it->second;
}

}  // namespace mozc
