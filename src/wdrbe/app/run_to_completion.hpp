// Runs one awaitable to completion from plain code, on an io_context of its
// own: for the one-shot commands (`wdrbe dlq`, `wdrbe aws setup`) and the
// checks made at start, where nothing else needs to run meanwhile.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <utility>

#include "wdrbe/base/task.hpp"

namespace wdrbe::app {

template <typename T>
T RunToCompletion(Task<T> task) {
  boost::asio::io_context io;
  std::optional<T> result;
  boost::asio::co_spawn(
      io, [&]() -> Task<void> { result.emplace(co_await std::move(task)); }, boost::asio::detached);
  io.run();
  return std::move(*result);
}

}  // namespace wdrbe::app
