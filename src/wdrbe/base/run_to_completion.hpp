// Runs one awaitable to completion from plain code, on an io_context of its
// own (or on `io`, when what it awaits is bound to that one, as an HTTP
// client's connections are): for the one-shot commands (`wdrbe dlq`,
// `wdrbe aws setup`), the calls made at start, where nothing else needs
// to run meanwhile, and threads that own an io_context (the span exporter).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <utility>

#include "wdrbe/base/task.hpp"

namespace wdrbe {

template <typename T>
T RunToCompletion(boost::asio::io_context& io, Task<T> task) {
  std::optional<T> result;
  boost::asio::co_spawn(
      io, [&]() -> Task<void> { result.emplace(co_await std::move(task)); }, boost::asio::detached);
  io.restart();
  io.run();
  return std::move(*result);
}

template <typename T>
T RunToCompletion(Task<T> task) {
  boost::asio::io_context io;
  return RunToCompletion(io, std::move(task));
}

}  // namespace wdrbe
