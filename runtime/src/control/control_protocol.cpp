#include "control/control_protocol.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>

#include "dump/json_dump.hpp"
#include "facts/facts_parser.hpp"

namespace mosaic {

namespace {

using nlohmann::json;

std::string json_value(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
std::string json_text(std::string_view s) { return json_value(json(std::string(s))); }

// {"ok":B[,"id":ID]
std::string reply_head(bool ok, const std::string& id) {
  std::string out = ok ? "{\"ok\":true" : "{\"ok\":false";
  if (!id.empty()) out += ",\"id\":" + id;
  return out;
}

std::string where(const FactsLocation& at) { return std::to_string(at.line) + ":" + std::to_string(at.column); }

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful part.
std::string without_exception_tag(const char* what) {
  std::string_view s(what);
  if (!s.empty() && s.front() == '[') {
    if (size_t end = s.find("] "); end != std::string_view::npos) s.remove_prefix(end + 2);
  }
  return std::string(s);
}

constexpr const char* kOps = "insert, dump, stats, watch, block, unblock or delay";

struct FieldCheck {
  const json& object;
  std::string op;
  std::string error;

  // Every field must be one the op knows.
  bool only(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : object.items()) {
      if (key == "op" || key == "id") continue;
      bool found = false;
      for (std::string_view k : known) found = found || key == k;
      if (!found) {
        error = "unknown field " + json_text(key) + " for op " + json_text(op);
        return false;
      }
    }
    return true;
  }

  // Reads an optional string field; false (with the error set) if it has another type.
  bool string(const char* name, std::optional<std::string>& out) {
    auto it = object.find(name);
    if (it == object.end()) return true;
    if (!it->is_string()) {
      error = std::string("\"") + name + "\" must be a string";
      return false;
    }
    out = it->get<std::string>();
    return true;
  }

  bool required_string(const char* name, std::optional<std::string>& out) {
    if (!string(name, out)) return false;
    if (!out) error = "op " + json_text(op) + " needs a \"" + name + "\" string";
    return out.has_value();
  }
};

}  // namespace

std::string control_error_reply(std::string_view message, const std::string& id) {
  return reply_head(false, id) + ",\"error\":" + json_text(message) + "}";
}

ParsedControlRequest parse_control_request(std::string_view line) {
  ParsedControlRequest out;
  json j;
  try {
    j = json::parse(line.begin(), line.end());
  } catch (const json::exception& e) {
    out.error = "malformed JSON: " + without_exception_tag(e.what());
    return out;
  }
  if (!j.is_object()) {
    out.error = "a request must be a JSON object, like {\"op\":\"stats\"}";
    return out;
  }
  if (auto id = j.find("id"); id != j.end()) out.id = json_value(*id);
  auto op = j.find("op");
  if (op == j.end() || !op->is_string()) {
    out.error = "a request needs an \"op\" string: " + std::string(kOps);
    return out;
  }
  ControlRequest r;
  r.id = out.id;
  FieldCheck check{j, op->get<std::string>(), ""};
  std::optional<std::string> text;
  if (check.op == "insert") {
    r.op = ControlRequest::Op::Insert;
    if (!check.only({"facts"}) || !check.required_string("facts", text)) {
      out.error = check.error;
      return out;
    }
    r.facts = std::move(*text);
  } else if (check.op == "dump") {
    r.op = ControlRequest::Op::Dump;
    if (!check.only({"table"}) || !check.string("table", r.table)) {
      out.error = check.error;
      return out;
    }
  } else if (check.op == "stats") {
    r.op = ControlRequest::Op::Stats;
    if (!check.only({})) {
      out.error = check.error;
      return out;
    }
  } else if (check.op == "watch") {
    r.op = ControlRequest::Op::Watch;
    if (!check.only({"table", "interval"}) || !check.required_string("table", r.table)) {
      out.error = check.error;
      return out;
    }
    if (auto interval = j.find("interval"); interval != j.end()) {
      if (!interval->is_number() || !std::isfinite(interval->get<double>()) || interval->get<double>() < 0) {
        out.error = "\"interval\" must be a non-negative number of seconds";
        return out;
      }
      r.interval = std::clamp(interval->get<double>(), kMinWatchInterval, kMaxWatchInterval);
    }
  } else if (check.op == "block" || check.op == "unblock" || check.op == "delay") {
    r.op = check.op == "block" ? ControlRequest::Op::Block
           : check.op == "unblock" ? ControlRequest::Op::Unblock : ControlRequest::Op::Delay;
    std::optional<std::string> peer;
    bool fields_ok = r.op == ControlRequest::Op::Delay ? check.only({"peer", "ms"}) : check.only({"peer"});
    fields_ok = fields_ok && (r.op == ControlRequest::Op::Unblock ? check.string("peer", peer)
                                                                  : check.required_string("peer", peer));
    if (!fields_ok) {
      out.error = check.error;
      return out;
    }
    if (r.op == ControlRequest::Op::Delay) {
      auto ms = j.find("ms");
      if (ms == j.end() || !ms->is_number() || !(ms->get<double>() >= 0) ||
          ms->get<double>() > PeerFilter::kMaxDelay * 1000) {
        out.error = "op \"delay\" needs \"ms\", a number of milliseconds from 0 to " +
                    std::to_string(static_cast<int>(PeerFilter::kMaxDelay * 1000));
        return out;
      }
      r.delay_ms = ms->get<double>();
    }
    if (peer) {
      r.peer = Addr::parse(*peer);
      if (!r.peer) {
        out.error = "\"peer\" must be a node address IP:PORT, not " + json_text(*peer);
        return out;
      }
    }
  } else {
    out.error = "unknown op " + json_text(check.op) + " (expected " + kOps + ")";
    return out;
  }
  out.request = std::move(r);
  return out;
}

ControlHandler::Result ControlHandler::handle_line(std::string_view line) {
  std::string id;
  try {
    ParsedControlRequest parsed = parse_control_request(line);
    id = parsed.id;
    if (!parsed.request) return {control_error_reply(parsed.error, id), false, std::nullopt};
    return handle(*parsed.request);
  } catch (const std::exception& e) {
    // A request must never bring the node down.
    return {control_error_reply(std::string("internal error: ") + e.what(), id), false, std::nullopt};
  }
}

ControlHandler::Result ControlHandler::handle(const ControlRequest& request) {
  switch (request.op) {
    case ControlRequest::Op::Insert:
      return insert(request);
    case ControlRequest::Op::Dump:
      return dump(request);
    case ControlRequest::Op::Stats:
      return {reply_head(true, request.id) + ",\"stats\":" + stats_().to_json(-1) + "}", true, std::nullopt};
    case ControlRequest::Op::Block:
    case ControlRequest::Op::Unblock:
      return block(request);
    case ControlRequest::Op::Delay:
      return delay(request);
    case ControlRequest::Op::Watch: {
      std::string error;
      std::optional<std::string> rows = table_rows(*request.table, error);
      if (!rows) return {control_error_reply(error, request.id), false, std::nullopt};
      ControlWatch watch{*request.table, request.interval, request.id, std::move(*rows)};
      std::string reply = table_reply(watch.table, watch.last_rows, watch.id);
      return {std::move(reply), true, std::move(watch)};
    }
  }
  return {control_error_reply("unhandled op", request.id), false, std::nullopt};
}

ControlHandler::Result ControlHandler::insert(const ControlRequest& request) {
  ParsedFacts parsed = parse_facts(request.facts);
  if (parsed.error) {
    return {control_error_reply(where(parsed.error->where) + ": " + parsed.error->message, request.id), false,
            std::nullopt};
  }
  size_t inserted = 0;
  std::string problem;
  const Fact* rejected = nullptr;
  for (const Fact& fact : parsed.facts) {
    problem = program_.insert_fact(fact.predicate, fact.args);
    if (!problem.empty()) {
      rejected = &fact;
      break;
    }
    ++inserted;
  }
  if (inserted > 0) work_added_();
  if (rejected) {
    // The facts before it are in: say how many.
    return {reply_head(false, request.id) + ",\"error\":" + json_text(where(rejected->where) + ": " + problem) +
                ",\"inserted\":" + std::to_string(inserted) + "}",
            false, std::nullopt};
  }
  return {reply_head(true, request.id) + ",\"inserted\":" + std::to_string(inserted) + "}", true, std::nullopt};
}

ControlHandler::Result ControlHandler::dump(const ControlRequest& request) const {
  if (!request.table) {
    JsonDump all;
    program_.dump(all);
    return {reply_head(true, request.id) + ",\"tables\":" + all.line() + "}", true, std::nullopt};
  }
  std::string error;
  std::optional<std::string> rows = table_rows(*request.table, error);
  if (!rows) return {control_error_reply(error, request.id), false, std::nullopt};
  return {table_reply(*request.table, *rows, request.id), true, std::nullopt};
}

ControlHandler::Result ControlHandler::block(const ControlRequest& request) {
  if (!peers_) return {control_error_reply("this node has no peer filter", request.id), false, std::nullopt};
  if (request.op == ControlRequest::Op::Block) {
    peers_->block(*request.peer);
  } else if (request.peer) {
    peers_->unblock(*request.peer);
  } else {
    peers_->unblock_all();
  }
  json blocked = json::array();
  for (const Addr& peer : peers_->peers()) blocked.push_back(peer.to_string());
  return {reply_head(true, request.id) + ",\"blocked\":" + json_value(blocked) + "}", true, std::nullopt};
}

ControlHandler::Result ControlHandler::delay(const ControlRequest& request) {
  if (!peers_) return {control_error_reply("this node has no peer filter", request.id), false, std::nullopt};
  if (!peers_->set_delay(*request.peer, request.delay_ms / 1000))
    return {control_error_reply("only IP:PORT peers can be delayed", request.id), false, std::nullopt};
  json delays = json::object();
  for (const auto& [peer, seconds] : peers_->delays()) delays[peer.to_string()] = seconds * 1000;
  return {reply_head(true, request.id) + ",\"delays\":" + json_value(delays) + "}", true, std::nullopt};
}

std::optional<std::string> ControlHandler::table_rows(const std::string& table, std::string& error) const {
  JsonDump one(table);
  program_.dump(one);
  if (one.has_table(table)) return one.rows(table);
  std::string known;
  for (const std::string& name : one.table_names()) known += (known.empty() ? "" : ", ") + name;
  error = "no table " + json_text(table) + " in this program (tables: " + (known.empty() ? "none" : known) + ")";
  return std::nullopt;
}

std::string ControlHandler::table_reply(const std::string& table, const std::string& rows,
                                        const std::string& id) const {
  return reply_head(true, id) + ",\"table\":" + json_text(table) + ",\"rows\":" + rows + "}";
}

std::optional<std::string> ControlHandler::watch_update(ControlWatch& watch) const {
  try {
    std::string error;
    std::optional<std::string> now = table_rows(watch.table, error);
    if (!now || *now == watch.last_rows) return std::nullopt;
    watch.last_rows = std::move(*now);
    return table_reply(watch.table, watch.last_rows, watch.id);
  } catch (const std::exception& e) {
    log(LogLevel::Warn, std::string("control: watch of ") + watch.table + ": " + e.what());
    return std::nullopt;
  }
}

}  // namespace mosaic
