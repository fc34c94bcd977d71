// Asynchronous results. Ports whose adapters do I/O (a database, a remote
// store) return Task<Result<T>>, so network threads await them without
// blocking and a remote adapter can be just as asynchronous.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace wdrbe {

template <typename T>
using Task = boost::asio::awaitable<T>;

}  // namespace wdrbe
