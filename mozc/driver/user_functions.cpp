#include "driver/user_functions.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
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

// Fills in how generated code includes the headers: by file name, with their
// directories for -I. Two headers of one name could not both be included so.
bool header_include_names(const Options& options, Compilation& c) {
  std::map<std::string, std::pair<std::string, std::string>> by_name;  // file name -> (absolute, as given)
  for (const auto& header : options.function_headers) {
    std::filesystem::path path = std::filesystem::absolute(header).lexically_normal();
    std::string name = path.filename().string();
    if (name.find_first_of("\"\\\n") != std::string::npos) {  // #include "..." has no escapes
      MOZC_DIAGNOSTIC(FunctionsHeaderNameUnspellable, Error, "the functions header '{0}' has a file name "
                      "#include cannot spell; rename it");
      c.diags.emit(FunctionsHeaderNameUnspellable, {}, header);
      continue;
    }
    auto [seen, fresh] = by_name.emplace(name, std::make_pair(path.string(), header));
    if (!fresh) {
      MOZC_DIAGNOSTIC(FunctionsHeadersSameFileName, Error, "the functions headers '{0}' and '{1}' have the same "
                      "file name; generated code includes headers by file name, so rename one");
      if (seen->second.first != path.string())
        c.diags.emit(FunctionsHeadersSameFileName, {}, seen->second.second, header);
      continue;
    }
    c.function_includes.push_back(name);
    std::string dir = path.parent_path().string();
    if (std::find(c.function_include_dirs.begin(), c.function_include_dirs.end(), dir) == c.function_include_dirs.end())
      c.function_include_dirs.push_back(dir);
  }
  return !c.diags.has_errors();
}

}  // namespace

bool read_user_functions(const Options& options, Compilation& c) {
  if (options.function_headers.empty()) return true;
  if (!header_include_names(options, c)) return false;
  std::string error;
  const ClangPluginApi* clang = load_clang_plugin(error);
  if (!clang) {
    MOZC_DIAGNOSTIC(ClangPluginUnavailable, Error, "{0}");
    c.diags.emit(ClangPluginUnavailable, {}, error);
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
    MOZC_DIAGNOSTIC(FunctionsHeaderError, Error, "{0}");
    MOZC_DIAGNOSTIC(FunctionsHeaderNote, Note, "{0}");
    if (m.kind == HeaderMessage::Kind::Error) c.diags.emit(FunctionsHeaderError, locations.at(m.where), m.text);
    else c.diags.emit(FunctionsHeaderNote, locations.at(m.where), m.text);
  }
  for (const auto& f : reading.functions) {
    if (const Signature* builtin = find_builtin(f.name)) {
      MOZC_DIAGNOSTIC(UserFunctionIsBuiltin, Error, "'{0}' is a built-in function ({0}{1}); give this one "
                      "another name");
      c.diags.emit(UserFunctionIsBuiltin, locations.at(f.where), f.name, builtin->text);
      continue;
    }
    c.user_functions[f.name] = f.signature;
  }
  c.function_files = reading.files_read;
  return !c.diags.has_errors();
}

bool check_function_sources(const Options& options, Compilation& c) {
  for (const auto& source : options.cpp_sources) {
    std::error_code ec;
    MOZC_DIAGNOSTIC(CannotReadCppSource, Error, "cannot read the C++ source '{0}'");
    if (!std::filesystem::is_regular_file(source, ec) || !std::ifstream(source))
      c.diags.emit(CannotReadCppSource, {}, source);
  }
  return !c.diags.has_errors();
}

}  // namespace mozc
