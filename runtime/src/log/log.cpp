#include <atomic>
#include <cstdio>
#include <mutex>

#include "log/log_control.hpp"

namespace mosaic {

namespace {

std::atomic<int> current_level{static_cast<int>(LogLevel::Warn)};
std::mutex origin_mutex;
std::string origin = "node";

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Error: return "error";
    case LogLevel::Warn: return "warn";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "?";
}

}  // namespace

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= current_level.load(std::memory_order_relaxed); }

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  std::string line;
  {
    std::lock_guard lock(origin_mutex);
    line = "[" + origin + "] ";
  }
  line += level_name(level);
  line += ": ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line, so lines never interleave
}

void set_log_level(LogLevel level) { current_level.store(static_cast<int>(level)); }

void set_log_origin(std::string new_origin) {
  std::lock_guard lock(origin_mutex);
  origin = std::move(new_origin);
}

std::optional<LogLevel> log_level_named(std::string_view name) {
  for (LogLevel level : {LogLevel::Error, LogLevel::Warn, LogLevel::Info, LogLevel::Debug}) {
    if (name == level_name(level)) return level;
  }
  return std::nullopt;
}

}  // namespace mosaic
