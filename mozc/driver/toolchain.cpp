#include "driver/toolchain.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "mozc_build_paths.hpp"

extern char** environ;

namespace mozc {

namespace fs = std::filesystem;

namespace {

struct RuntimeLocation {
  std::vector<std::string> include_dirs;
  std::string library;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

std::vector<std::string> module_dirs() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("MOSAIC_MODULE_PATH")) dirs = split(path, ':');
  std::error_code ec;
  fs::path installed = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path() / "share/mosaic/modules";
  if (!ec && fs::exists(installed)) dirs.push_back(installed.string());
  else dirs.push_back(MOZC_BUILD_MODULE_DIR);
  return dirs;
}

namespace {

// An installed mozc finds the runtime at ../include and ../lib*; a build-tree
// mozc uses the paths CMake recorded. MOSAIC_INCLUDE_DIRS/MOSAIC_RUNTIME_LIB override both.
RuntimeLocation locate_runtime() {
  RuntimeLocation loc;
  if (const char* inc = std::getenv("MOSAIC_INCLUDE_DIRS")) loc.include_dirs = split(inc, ':');
  if (const char* lib = std::getenv("MOSAIC_RUNTIME_LIB")) loc.library = lib;
  if (!loc.include_dirs.empty() && !loc.library.empty()) return loc;

  std::error_code ec;
  fs::path prefix = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
  if (!ec && fs::exists(prefix / "include/mosaic/program.hpp")) {
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
      fs::path candidate = prefix / libdir / MOZC_RUNTIME_LIB_NAME;
      if (fs::exists(candidate)) {
        if (loc.include_dirs.empty()) loc.include_dirs = {(prefix / "include").string()};
        if (loc.library.empty()) loc.library = candidate.string();
        return loc;
      }
    }
  }
  if (loc.include_dirs.empty()) loc.include_dirs = split(MOZC_BUILD_INCLUDE_DIRS, ':');
  if (loc.library.empty()) loc.library = MOZC_BUILD_RUNTIME_LIB;
  return loc;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  for (const auto& dir : split(path, ':'))
    if (::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

// Runs a command (in `cwd` when given) and returns its exit status, -1 if it could not run.
int run(const std::vector<std::string>& argv, const std::string& cwd = "") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid;
  int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::vector<std::string> runtime_include_dirs() { return locate_runtime().include_dirs; }

bool build_executable(const std::string& cpp_source, const std::vector<std::string>& user_sources,
                      const std::vector<std::string>& user_include_dirs, const std::string& output,
                      std::string& error) {
  RuntimeLocation rt = locate_runtime();
  if (!fs::exists(rt.library)) {
    error = "cannot find the MOSAIC runtime library (looked for " + rt.library + ")";
    return false;
  }
  char tmpl[] = "/tmp/mozc-XXXXXX";
  if (!::mkdtemp(tmpl)) {
    error = "cannot create a temporary directory";
    return false;
  }
  fs::path dir = tmpl;
  fs::path source = dir / (fs::path(output).filename().string() + ".cpp");
  {
    std::ofstream out(source);
    out << cpp_source;
  }
  fs::path partial = fs::path(output).string() + ".mozc-tmp";

  const char* cxx = std::getenv("MOSAIC_CXX");
  std::vector<std::string> compile = {cxx ? cxx : "c++", "-std=c++20", "-O2"};
  if (!cxx && on_path("ccache")) compile.insert(compile.begin(), "ccache");
  for (const auto& inc : rt.include_dirs) compile.push_back("-I" + inc);
  for (const auto& inc : user_include_dirs) compile.push_back("-I" + inc);
  auto compile_one = [&](const std::string& src, const std::string& object, const std::string& cwd) {
    std::vector<std::string> cmd = compile;
    cmd.insert(cmd.end(), {"-c", src, "-o", object});
    return run(cmd, cwd) == 0;
  };
  std::error_code ec;
  auto fail = [&](std::string why, bool keep_generated = false) {
    fs::remove(partial, ec);
    if (!keep_generated) fs::remove_all(dir, ec);
    error = std::move(why);
    return false;
  };
  // One compile per source, so ccache (a compile-and-link is never cached) can
  // answer. The generated source is compiled by its relative name inside its
  // temporary directory: an unchanged program hits the cache although the
  // directory's name is new every time.
  std::vector<std::string> objects = {(dir / "program.o").string()};
  if (!compile_one(source.filename().string(), objects[0], dir.string()))
    return fail("the C++ compiler failed on the generated code (kept at " + source.string() + ")", true);
  for (size_t i = 0; i < user_sources.size(); ++i) {
    objects.push_back((dir / ("user" + std::to_string(i) + ".o")).string());
    if (!compile_one(user_sources[i], objects.back(), ""))
      return fail("the C++ compiler failed on " + user_sources[i]);
  }
  std::vector<std::string> link = {cxx ? cxx : "c++"};
  link.insert(link.end(), objects.begin(), objects.end());
  link.insert(link.end(), {rt.library, "-lcrypto", "-pthread", "-o", partial.string()});
  if (run(link) != 0) return fail("linking the node failed");
  fs::rename(partial, output, ec);
  if (ec) return fail("cannot write " + output);
  fs::remove_all(dir, ec);
  return true;
}

}  // namespace mozc
