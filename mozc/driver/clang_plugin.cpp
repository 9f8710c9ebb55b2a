#include "driver/clang_plugin.hpp"

#include <dlfcn.h>

#include <filesystem>

#include "mozc_build_paths.hpp"

namespace mozc {

namespace fs = std::filesystem;

namespace {

std::string plugin_path() {
  std::error_code ec;
  fs::path prefix = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
  if (!ec)
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
      fs::path installed = prefix / libdir / "mosaic" / MOZC_CLANG_PLUGIN_NAME;
      if (fs::exists(installed, ec)) return installed.string();
    }
  return MOZC_BUILD_CLANG_PLUGIN;
}

const ClangPluginApi* load(std::string& error) {
  std::string path = plugin_path();
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    error = "cannot load mozc's Clang support " + path + (why ? std::string(": ") + why : std::string());
    return nullptr;
  }
  using Entry = const ClangPluginApi* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, "mozc_clang_plugin"));
  const ClangPluginApi* api = entry ? entry() : nullptr;
  if (!api || api->abi != kClangPluginAbi) {
    error = path + " does not belong to this mozc (rebuild or reinstall MOSAIC)";
    return nullptr;
  }
  return api;  // never unloaded: Clang's static state lives until exit
}

}  // namespace

const ClangPluginApi* load_clang_plugin(std::string& error) {
  static std::string load_error;
  static const ClangPluginApi* api = load(load_error);
  if (!api) error = load_error;
  return api;
}

std::string clang_resource_dir() { return MOZC_CLANG_RESOURCE_DIR; }
std::string clang_executable() { return MOZC_CLANG_EXECUTABLE; }

}  // namespace mozc
