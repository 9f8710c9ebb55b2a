#include "link_netlink.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mosaic::tun {

std::string set_gso_max_size(const std::string& name, std::uint32_t size) {
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) return "no device " + name + ": " + std::strerror(errno);

  struct Request {
    nlmsghdr header;
    ifinfomsg link;
    alignas(NLA_ALIGNTO) char attributes[RTA_SPACE(sizeof(std::uint32_t))];
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_SPACE(sizeof(std::uint32_t));
  request.header.nlmsg_type = RTM_NEWLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  request.header.nlmsg_seq = 1;
  request.link.ifi_family = AF_UNSPEC;
  request.link.ifi_index = static_cast<int>(index);
  auto* attribute = reinterpret_cast<rtattr*>(request.attributes);
  attribute->rta_type = IFLA_GSO_MAX_SIZE;
  attribute->rta_len = RTA_LENGTH(sizeof(std::uint32_t));
  std::memcpy(RTA_DATA(attribute), &size, sizeof size);

  int sock = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sock < 0) return std::string("cannot open a netlink socket: ") + std::strerror(errno);
  std::string problem;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(sock, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    problem = std::string("netlink send: ") + std::strerror(errno);
  } else {
    alignas(nlmsghdr) char reply[512];
    ssize_t n = ::recv(sock, reply, sizeof reply, 0);
    const auto* answer = reinterpret_cast<const nlmsghdr*>(reply);
    if (n < 0) {
      problem = std::string("netlink receive: ") + std::strerror(errno);
    } else if (!NLMSG_OK(answer, static_cast<unsigned>(n)) || answer->nlmsg_type != NLMSG_ERROR) {
      problem = "unexpected netlink reply";
    } else if (int code = -static_cast<const nlmsgerr*>(NLMSG_DATA(answer))->error; code != 0) {
      problem = "setting gso_max_size " + std::to_string(size) + ": " + std::strerror(code);
    }
  }
  ::close(sock);
  return problem;
}

}  // namespace mosaic::tun
