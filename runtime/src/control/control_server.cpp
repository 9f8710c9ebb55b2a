#include "control/control_server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <optional>

#include "mosaic/log.hpp"

namespace mosaic {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;  // (mosaic::tcp is the TCP elements)
using boost::system::error_code;

namespace {

constexpr auto kLinger = std::chrono::seconds(2);            // after the last reply of a closing connection
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);  // after a failed accept (e.g. out of descriptors)

asio::steady_timer::duration seconds(double s) {
  return std::chrono::duration_cast<asio::steady_timer::duration>(std::chrono::duration<double>(s));
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

// One client connection. Asio handlers hold it alive (shared_from_this); the
// server's set holds it until it closes. It never touches the server after
// the server is gone: the server closes every session first, and handlers of
// a closed session return at once.
class ControlServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ControlServer& server, Tcp::socket socket)
      : server_(server), socket_(std::move(socket)), in_(kMaxControlLine + 1), timer_(server.io_) {
    error_code ignored;
    socket_.set_option(Tcp::no_delay(true), ignored);  // replies are small and answer requests
  }

  void start() { read_next(); }

  // Sends one error line and closes (a client over the limit).
  void reject(std::string reply) {
    send(std::move(reply));
    finish();
  }

  // Closes at once, dropping unsent output.
  void close() {
    if (closed_) return;
    closed_ = true;
    watch_.reset();
    error_code ignored;
    timer_.cancel(ignored);
    socket_.shutdown(Tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.closed(shared_from_this());
  }

 private:
  void read_next() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, in_, '\n', [this, self](const error_code& ec, size_t n) {
      if (closed_ || finishing_) return;
      if (ec == asio::error::not_found) {  // the buffer is full and holds no newline
        ++server_.stats_.errors;
        ++server_.stats_.dropped_clients;
        log(LogLevel::Warn, "control: closing a client that sent a request line over " +
                                std::to_string(kMaxControlLine) + " bytes");
        send(control_error_reply("request line longer than " + std::to_string(kMaxControlLine) +
                                 " bytes; closing the connection"));
        finish();
        return;
      }
      if (ec == asio::error::eof) {
        // The client is done sending: a last line without a newline still counts.
        if (in_.size() > 0) {
          std::string rest(asio::buffers_begin(in_.data()), asio::buffers_end(in_.data()));
          in_.consume(in_.size());
          on_line(rest);
        }
        finish();
        return;
      }
      if (ec) {
        close();
        return;
      }
      std::string line(asio::buffers_begin(in_.data()), asio::buffers_begin(in_.data()) + (n - 1));
      in_.consume(n);
      on_line(line);
      if (!closed_ && !finishing_) read_next();
    });
  }

  void on_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (blank(line)) return;
    ++server_.stats_.requests;
    ControlHandler::Result result = server_.handler_.handle_line(line);
    if (!result.ok) {
      ++server_.stats_.errors;
      if (log_enabled(LogLevel::Debug)) log(LogLevel::Debug, "control: " + result.reply);
    }
    send(std::move(result.reply));
    if (result.watch && !closed_) {
      watch_ = std::move(result.watch);  // replaces an earlier watch of this client
      ++watch_generation_;
      arm_watch();
    }
  }

  void send(std::string line) {
    if (closed_) return;
    if (out_bytes_ > kMaxControlBacklog) {
      ++server_.stats_.dropped_clients;
      log(LogLevel::Warn, "control: dropping a client that left " + std::to_string(out_bytes_) +
                              " bytes of replies unread");
      close();
      return;
    }
    line += '\n';
    out_bytes_ += line.size();
    out_.push_back(std::move(line));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.front()), [this, self](const error_code& ec, size_t) {
      writing_ = false;
      if (closed_) return;
      if (ec) {
        close();
        return;
      }
      out_bytes_ -= out_.front().size();
      out_.pop_front();
      if (!out_.empty()) {
        write_next();
      } else if (finishing_) {
        linger();
      }
    });
  }

  void arm_watch() {
    auto self = shared_from_this();
    uint64_t generation = watch_generation_;
    timer_.expires_after(seconds(watch_->interval));
    timer_.async_wait([this, self, generation](const error_code& ec) {
      if (ec || closed_ || finishing_ || !watch_ || generation != watch_generation_) return;
      // While earlier output is unread, wait: the next check sends the rows as they are then.
      if (out_.empty()) {
        if (std::optional<std::string> line = server_.handler_.watch_update(*watch_)) send(std::move(*line));
      }
      if (!closed_ && watch_ && generation == watch_generation_) arm_watch();
    });
  }

  // No more requests: write what is queued, then close.
  void finish() {
    if (finishing_ || closed_) return;
    finishing_ = true;
    watch_.reset();
    ++watch_generation_;
    error_code ignored;
    timer_.cancel(ignored);
    if (!writing_ && out_.empty()) linger();
  }

  // Everything is written: end our side, and read (and discard) until the
  // client closes too, for at most kLinger. Closing with unread input would
  // reset the connection and could destroy the last reply in transit.
  void linger() {
    error_code ignored;
    socket_.shutdown(Tcp::socket::shutdown_send, ignored);
    auto self = shared_from_this();
    timer_.expires_after(kLinger);
    timer_.async_wait([this, self](const error_code& ec) {
      if (!ec && !closed_) close();
    });
    discard();
  }

  void discard() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(discard_), [this, self](const error_code& ec, size_t) {
      if (closed_) return;
      if (ec) {
        close();
        return;
      }
      discard();
    });
  }

  ControlServer& server_;
  Tcp::socket socket_;
  asio::streambuf in_;
  std::deque<std::string> out_;
  size_t out_bytes_ = 0;  // queued, including the line being written
  bool writing_ = false;
  bool finishing_ = false;
  bool closed_ = false;
  asio::steady_timer timer_;  // the watch interval; then the linger of a closing connection
  std::optional<ControlWatch> watch_;
  uint64_t watch_generation_ = 0;
  char discard_[4096];
};

ControlServer::ControlServer(asio::io_context& io, ControlHandler& handler)
    : io_(io), handler_(handler), acceptor_(io), retry_(io) {}

ControlServer::~ControlServer() { close(); }

bool ControlServer::open(uint16_t port, std::string& error) {
  Tcp::endpoint local(asio::ip::address_v4::loopback(), port);  // never any other interface
  error_code ec;
  acceptor_.open(local.protocol(), ec);
  if (!ec) acceptor_.set_option(Tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(local, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    error = ec.message();
    error_code ignored;
    acceptor_.close(ignored);
    return false;
  }
  open_ = true;
  return true;
}

void ControlServer::start() {
  if (open_) accept_next();
}

void ControlServer::accept_next() {
  acceptor_.async_accept([this](const error_code& ec, Tcp::socket socket) {
    if (!open_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors and the like: the pending connection stays queued, so wait before retrying.
      log(LogLevel::Warn, "control: accept: " + ec.message());
      retry_.expires_after(kAcceptRetry);
      retry_.async_wait([this](const error_code& timer_ec) {
        if (!timer_ec && open_) accept_next();
      });
      return;
    }
    ++stats_.connections;
    auto session = std::make_shared<Session>(*this, std::move(socket));
    sessions_.insert(session);
    if (sessions_.size() > kMaxControlClients) {
      ++stats_.errors;
      session->reject(control_error_reply("too many control clients (at most " +
                                          std::to_string(kMaxControlClients) + ")"));
    } else {
      session->start();
    }
    accept_next();
  });
}

void ControlServer::closed(const std::shared_ptr<Session>& session) { sessions_.erase(session); }

void ControlServer::close() {
  open_ = false;
  error_code ignored;
  retry_.cancel(ignored);
  acceptor_.close(ignored);
  std::set<std::shared_ptr<Session>> sessions = sessions_;
  for (const auto& session : sessions) session->close();
  sessions_.clear();
}

ControlStats ControlServer::stats() const {
  ControlStats s = stats_;
  s.port = port_;
  s.clients = sessions_.size();
  return s;
}

}  // namespace mosaic
