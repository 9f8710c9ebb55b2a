// Logging for the runtime and for generated code: `[addr] level: message`
// lines on stderr. Which levels show and which node speaks are the node's
// choice (runtime/src/log/log_control.hpp).
#pragma once

#include <string_view>

namespace mosaic {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };
bool log_enabled(LogLevel level);
void log(LogLevel level, std::string_view message);

}  // namespace mosaic
