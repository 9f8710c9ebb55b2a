#include "link/udp/udp_fragments.hpp"

#include <algorithm>
#include <cstring>

namespace mosaic {

namespace udp_fragment {

namespace {
constexpr char kMagic0 = 'M', kMagic1 = 'F';
constexpr uint8_t kVersion = 1;
}  // namespace

bool is_fragment(std::string_view d) { return d.size() >= kHeader && d[0] == kMagic0 && d[1] == kMagic1; }

std::size_t split(std::string_view datagram, uint32_t id, std::string& out) {
  if (datagram.size() <= kPathPayload || datagram.size() > kMaxDatagram) return 0;
  const std::size_t count = (datagram.size() + kChunk - 1) / kChunk;
  out.resize(datagram.size() + count * kHeader);
  char* p = out.data();
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t n = std::min(kChunk, datagram.size() - i * kChunk);
    p[0] = kMagic0;
    p[1] = kMagic1;
    p[2] = static_cast<char>(kVersion);
    p[3] = static_cast<char>(count);
    p[4] = static_cast<char>(i);
    p[5] = 0;
    std::memcpy(p + 6, &id, 4);
    std::memcpy(p + kHeader, datagram.data() + i * kChunk, n);
    p += kHeader + n;
  }
  return count;
}

}  // namespace udp_fragment

std::optional<std::string> Reassembly::add(const Addr& from, std::string_view f, double now) {
  using namespace udp_fragment;
  if (!is_fragment(f) || static_cast<uint8_t>(f[2]) != 1) {
    ++malformed_;
    return std::nullopt;
  }
  const std::size_t count = static_cast<uint8_t>(f[3]), index = static_cast<uint8_t>(f[4]);
  uint32_t id;
  std::memcpy(&id, f.data() + 6, 4);
  const std::string_view chunk = f.substr(kHeader);
  const bool last = index + 1 == count;
  // Every fragment but the last is full; the last holds 1..kChunk bytes.
  if (count < 2 || count > kMaxCount || index >= count || chunk.empty() || chunk.size() > kChunk ||
      (!last && chunk.size() != kChunk)) {
    ++malformed_;
    return std::nullopt;
  }
  auto key = std::make_pair(from, id);
  auto it = partial_.find(key);
  if (it == partial_.end()) {
    expire(now);  // only a new train needs room: fragments of known ones are handled in constant time
    if (partial_.size() >= kMaxPartial) {
      // The oldest gives way: a train that is still arriving is the likelier to finish.
      auto oldest = std::min_element(partial_.begin(), partial_.end(),
                                     [](const auto& a, const auto& b) { return a.second.started < b.second.started; });
      partial_.erase(oldest);
      ++expired_;
    }
    it = partial_.emplace(key, Partial{}).first;
    it->second.data.resize(count * kChunk);
    it->second.count = count;
    it->second.started = now;
  }
  Partial& p = it->second;
  if (p.count != count) {  // the same id with another shape: not ours to trust
    ++malformed_;
    return std::nullopt;
  }
  const uint64_t bit = uint64_t{1} << index;
  if (p.have & bit) return std::nullopt;  // a duplicate
  p.have |= bit;
  std::memcpy(p.data.data() + index * kChunk, chunk.data(), chunk.size());
  if (last) p.last_size = chunk.size();
  const uint64_t all = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  if (p.have != all) return std::nullopt;
  std::string whole = std::move(p.data);
  whole.resize((count - 1) * kChunk + p.last_size);
  partial_.erase(it);
  return whole;
}

void Reassembly::expire(double now) {
  for (auto it = partial_.begin(); it != partial_.end();) {
    if (now - it->second.started > udp_fragment::kPartialLife) {
      it = partial_.erase(it);
      ++expired_;
    } else {
      ++it;
    }
  }
}

}  // namespace mosaic
