#include "driver/user_functions.hpp"

#include <filesystem>
#include <map>

#include "driver/clang_plugin.hpp"
#include "driver/toolchain.hpp"

namespace mozc {

namespace {

// Shows positions in the headers through mozc's own diagnostics, loading each
// file once.
class HeaderLocations {
 public:
  explicit HeaderLocations(SourceManager& sources) : sources_(sources) {}
  Loc at(const FilePosition& p) {
    if (!p.valid) return {};
    auto it = files_.find(p.file);
    if (it == files_.end()) it = files_.emplace(p.file, sources_.load(p.file)).first;
    return it->second ? Loc{*it->second, p.offset} : Loc{};
  }

 private:
  SourceManager& sources_;
  std::map<std::string, std::optional<int32_t>> files_;
};

}  // namespace

bool read_user_functions(const Options& options, Compilation& c) {
  if (options.function_headers.empty()) return true;
  std::string error;
  const ClangPluginApi* clang = load_clang_plugin(error);
  if (!clang) {
    c.diags.error({}, error);
    return false;
  }
  HeaderReadRequest request;
  request.headers = options.function_headers;
  request.include_dirs = runtime_include_dirs();
  request.resource_dir = clang_resource_dir();
  request.clang_executable = clang_executable();
  request.rule = FunctionRule::UserHeaders;
  HeaderReading reading = clang->read_headers(request);

  HeaderLocations locations(c.sources);
  for (const auto& m : reading.messages) {
    if (m.kind == HeaderMessage::Kind::Error) c.diags.error(locations.at(m.where), m.text);
    else c.diags.note(locations.at(m.where), m.text);
  }
  for (const auto& f : reading.functions) {
    if (const Signature* builtin = find_builtin(f.name)) {
      c.diags.error(locations.at(f.where), "'" + f.name + "' is a built-in function (" + f.name + builtin->text +
                                               "); give this one another name");
      continue;
    }
    c.user_functions[f.name] = f.signature;
  }
  for (const auto& header : options.function_headers)
    c.function_includes.push_back(std::filesystem::absolute(header).lexically_normal().string());
  c.function_files = reading.files_read;
  return !c.diags.has_errors();
}

}  // namespace mozc
