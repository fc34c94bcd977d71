// Holds many idle keep-alive connections open to a running wdrbe, for the
// benchmark of a server with 10,000 idle clients beside its active ones
// (bench/connections.sh). Each connection sends one GET /healthz and reads
// its answer, so the server has accepted it, served it and is waiting for
// its next request, as a browser's parked connection would be. Then it
// prints "open N" and holds them until stdin closes (or SIGTERM).
//
// Exits 1 if a connection could not be opened or answered. The server
// closes connections idle for longer than its header timeout (30 s), so a
// measurement must fit in that window.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kRequest = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// Opens one connection, sends the request and reads until the end of the
// answer's head plus its short body has arrived; -1 on failure.
int OpenServedConnection(std::uint16_t port, std::string& error) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  if (send(fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kRequest.size())) {
    error = std::string("send: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  std::string answer;
  char chunk[512];
  // /healthz answers {"status":"ok"}: the body ends with '}'.
  while (answer.find("\r\n\r\n") == std::string::npos || answer.back() != '}') {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
      error = n == 0 ? "the server closed the connection" : std::string("recv: ") + std::strerror(errno);
      close(fd);
      return -1;
    }
    answer.append(chunk, static_cast<std::size_t>(n));
  }
  if (answer.rfind("HTTP/1.1 200", 0) != 0) {
    error = "unexpected answer: " + answer.substr(0, answer.find("\r\n"));
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Holds idle keep-alive connections open to a wdrbe server"};
  std::uint16_t port = 0;
  int connections = 10'000;
  app.add_option("--port", port, "The server's port on 127.0.0.1")->required();
  app.add_option("--connections", connections, "Connections to open and hold")
      ->check(CLI::Range(1, 1'000'000));
  CLI11_PARSE(app, argc, argv);

  std::vector<int> open;
  open.reserve(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    std::string error;
    const int fd = OpenServedConnection(port, error);
    if (fd < 0) {
      std::fprintf(stderr, "idle_connections: connection %d: %s\n", i + 1, error.c_str());
      return 1;
    }
    open.push_back(fd);
  }
  std::printf("open %zu\n", open.size());
  std::fflush(stdout);
  char ignored[64];
  while (read(STDIN_FILENO, ignored, sizeof ignored) > 0) {
  }
  for (int fd : open) close(fd);
  return 0;
}
