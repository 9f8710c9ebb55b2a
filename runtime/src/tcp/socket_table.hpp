// The sockets behind a node's Socket handles: listeners and connections, and
// which call waits on each (a socket takes one read and one write at a time).
// Handles count up from 1 and are never reused, so a stale handle in a table
// names no socket rather than somebody else's.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "mosaic/socket.hpp"

namespace mosaic::tcp {

struct SocketEntry {
  std::unique_ptr<boost::asio::ip::tcp::acceptor> listener;  // tcp.listen made it
  std::unique_ptr<boost::asio::ip::tcp::socket> stream;      // tcp.accept or tcp.connect made it
  bool reading = false;    // a tcp.read (or, on a listener, a tcp.accept) waits
  bool writing = false;    // a tcp.write waits
  bool shut_down = false;  // our end of the stream is closed (an empty tcp.write)
  // Each direction ends once: reading at the end of the stream or an error;
  // writing the end of the stream or an error. Then the connection is done.
  bool read_ended = false, write_ended = false;
};

class SocketTable {
 public:
  Socket add(SocketEntry entry) {
    Socket s{next_++};
    entries_.emplace(s.id, std::move(entry));
    return s;
  }
  SocketEntry* find(Socket s) {
    auto it = entries_.find(s.id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  // Closing cancels what waits on the socket: those calls fail.
  bool remove(Socket s) { return entries_.erase(s.id) > 0; }
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

 private:
  uint64_t next_ = 1;
  std::unordered_map<uint64_t, SocketEntry> entries_;
};

}  // namespace mosaic::tcp
