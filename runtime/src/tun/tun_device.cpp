#include "tun_device.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "link_netlink.hpp"

namespace mosaic::tun {
namespace {

constexpr const char* kCloneDevice = "/dev/net/tun";
constexpr std::size_t kMaxGsoPacket = 65536;

// Offload sets to try, most capable first: the kernel refuses a set it cannot
// do as a whole (EINVAL), and TSO is only accepted together with checksum offload.
constexpr unsigned kOffloadChoices[] = {TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, TUN_F_CSUM, 0};

std::string hint_for(int code) {
  if (code == EPERM || code == EACCES) return " (run as root, or in a namespace with CAP_NET_ADMIN)";
  if (code == ENOENT || code == ENODEV) return " (no tun support here: load the tun module, or give the container /dev/net/tun)";
  return "";
}

TunError failure(const std::string& step, int code) {
  return TunError{code, step + ": " + std::strerror(code) + hint_for(code)};
}

struct ifreq request_for(const std::string& name) {
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return ifr;
}

struct sockaddr_in inet_address(std::uint32_t address) {
  struct sockaddr_in sin {};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(address);
  return sin;
}

// Address, MTU and IFF_UP go through an ordinary AF_INET socket's interface ioctls.
bool configure(const std::string& name, const TunConfig& config, TunError& error) {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    error = failure("cannot open a configuration socket", errno);
    return false;
  }
  auto fail = [&](const std::string& step) {
    int code = errno;
    error = failure(step + " on " + name, code);
    ::close(sock);
    return false;
  };
  struct ifreq ifr = request_for(name);
  if (config.address != 0) {
    struct sockaddr_in sin = inet_address(config.address);
    std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    if (::ioctl(sock, SIOCSIFADDR, &ifr) < 0) return fail("cannot set the address");
    std::uint32_t mask = config.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - config.prefix_length);
    sin = inet_address(mask);
    std::memcpy(&ifr.ifr_netmask, &sin, sizeof sin);
    if (::ioctl(sock, SIOCSIFNETMASK, &ifr) < 0) return fail("cannot set the prefix length");
  }
  ifr.ifr_mtu = config.mtu;
  if (::ioctl(sock, SIOCSIFMTU, &ifr) < 0) return fail("cannot set MTU " + std::to_string(config.mtu));
  if (::ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) return fail("cannot read the flags");
  ifr.ifr_flags |= IFF_UP;
  if (::ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) return fail("cannot bring the device up");
  ::close(sock);
  return true;
}

}  // namespace

bool TunError::permission_denied() const { return code == EPERM || code == EACCES; }

TunDevice::TunDevice(TunDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      name_(std::move(other.name_)),
      mtu_(other.mtu_),
      vnet_header_size_(other.vnet_header_size_),
      offloads_(other.offloads_) {}

TunDevice& TunDevice::operator=(TunDevice&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
    mtu_ = other.mtu_;
    vnet_header_size_ = other.vnet_header_size_;
    offloads_ = other.offloads_;
  }
  return *this;
}

bool TunDevice::open(const TunConfig& config, TunError& error) {
  close();
  if (config.name.size() >= IFNAMSIZ) {
    error = TunError{EINVAL, "tun device name '" + config.name + "' is longer than " +
                                 std::to_string(IFNAMSIZ - 1) + " characters"};
    return false;
  }
  if (config.prefix_length < 0 || config.prefix_length > 32) {
    error = TunError{EINVAL, "prefix length " + std::to_string(config.prefix_length) + " is not in 0..32"};
    return false;
  }
  int fd = ::open(kCloneDevice, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int code = errno;
    error = failure(std::string("cannot open ") + kCloneDevice, code);
    return false;
  }
  struct ifreq ifr = request_for(config.name);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (config.vnet_hdr ? IFF_VNET_HDR : 0);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int code = errno;
    error = failure("cannot create tun device '" + config.name + "'", code);
    ::close(fd);
    return false;
  }
  std::string name(ifr.ifr_name);  // the kernel's choice when config.name was empty
  unsigned offloads = 0;
  int vnet_header_size = 0;
  if (config.vnet_hdr) {
    // Asked rather than taken from linux/virtio_net.h, which does not compile as C++.
    if (::ioctl(fd, TUNGETVNETHDRSZ, &vnet_header_size) < 0) {
      int code = errno;
      error = failure("cannot read the vnet header size of " + std::string(ifr.ifr_name), code);
      ::close(fd);
      return false;
    }
    for (unsigned choice : kOffloadChoices) {
      if (choice == 0 || ::ioctl(fd, TUNSETOFFLOAD, choice) == 0) {
        offloads = choice;
        break;
      }
    }
  }
  if (config.gso_max_size != 0 && (offloads & (TUN_F_TSO4 | TUN_F_TSO6))) {
    if (std::string problem = set_gso_max_size(name, config.gso_max_size); !problem.empty()) {
      error = TunError{EINVAL, "cannot limit the GSO packets of " + name + ": " + problem};
      ::close(fd);
      return false;
    }
  }
  if (!configure(name, config, error)) {
    ::close(fd);  // the device goes with its only fd
    return false;
  }
  fd_ = fd;
  name_ = std::move(name);
  mtu_ = config.mtu;
  vnet_header_size_ = static_cast<std::size_t>(vnet_header_size);
  offloads_ = offloads;
  return true;
}

void TunDevice::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t TunDevice::max_read_size() const {
  bool gso = offloads_ & (TUN_F_TSO4 | TUN_F_TSO6);
  return vnet_header_size_ + (gso ? kMaxGsoPacket : static_cast<std::size_t>(mtu_));
}

TunReadResult TunDevice::read_batch(PacketBatch& batch) {
  TunReadResult result;
  while (!batch.full()) {
    std::span<std::uint8_t> buffer = batch.next_buffer();
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n >= 0) {
      batch.commit(static_cast<std::size_t>(n));
      ++result.packets;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      result.drained = true;
      break;
    } else if (errno != EINTR) {
      result.error = errno;
      break;
    }
  }
  return result;
}

int TunDevice::write_gather(std::span<const struct iovec> pieces) {
  while (::writev(fd_, pieces.data(), static_cast<int>(pieces.size())) < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

int TunDevice::write(std::span<const std::uint8_t> packet) {
  while (::write(fd_, packet.data(), packet.size()) < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

std::string describe_offloads(unsigned offloads) {
  std::string text;
  auto add = [&](unsigned flag, const char* name) {
    if (offloads & flag) text += (text.empty() ? "" : ",") + std::string(name);
  };
  add(TUN_F_CSUM, "csum");
  add(TUN_F_TSO4, "tso4");
  add(TUN_F_TSO6, "tso6");
  return text.empty() ? "none" : text;
}

}  // namespace mosaic::tun
