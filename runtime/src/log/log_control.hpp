// What the node decides about logging: how verbose, and which node speaks.
// Programs only see log() and log_enabled() (mosaic/log.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mosaic/log.hpp"

namespace mosaic {

void set_log_level(LogLevel level);
// Prefixes every message, so interleaved output of many nodes stays readable.
void set_log_origin(std::string origin);
std::optional<LogLevel> log_level_named(std::string_view name);  // error|warn|info|debug

}  // namespace mosaic
