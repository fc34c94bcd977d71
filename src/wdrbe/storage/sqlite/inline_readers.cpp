#include "wdrbe/storage/sqlite/inline_readers.hpp"

#include <array>

namespace wdrbe::sqlite {
namespace {

std::atomic<std::uint64_t> next_readers_id{1};

// The connections this thread used last, so a read takes no lock. A few
// entries, because one thread may read several databases (tests do); a
// miss only costs a locked lookup.
struct CachedConnection {
  std::uint64_t readers_id = 0;
  Connection* connection = nullptr;
};
thread_local std::array<CachedConnection, 4> cached_connections;
thread_local std::size_t next_cache_slot = 0;

}  // namespace

InlineReaders::InlineReaders(std::string path, std::shared_ptr<const FaultInjector> faults)
    : id_(next_readers_id.fetch_add(1)), path_(std::move(path)), faults_(std::move(faults)) {}

InlineReaders::~InlineReaders() { Stop(); }

void InlineReaders::Stop() {
  stopping_.store(true);
  while (reads_in_progress_.load() > 0) std::this_thread::yield();
}

InlineReaders::Lease::Lease(InlineReaders& r) : readers(r), connection(Error::Internal("not leased")) {
  readers.reads_in_progress_.fetch_add(1);
  if (readers.stopping_.load()) {
    connection = Error::Unavailable("the store is shutting down");
  } else if (readers.faults_ && readers.faults_->ShouldFail(kFaultStoreRead)) {
    connection = Error::Unavailable("injected fault: store.read");
  } else {
    connection = readers.ConnectionOfThisThread();
  }
}

InlineReaders::Lease::~Lease() { readers.reads_in_progress_.fetch_sub(1); }

Result<Connection*> InlineReaders::ConnectionOfThisThread() {
  for (const CachedConnection& cached : cached_connections) {
    if (cached.readers_id == id_) return cached.connection;
  }
  Connection* connection = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto& owned = connections_[std::this_thread::get_id()];
    if (!owned) {
      // A thread id is reused only after its thread ended, so a connection
      // found here is never in use by another thread.
      auto opened = Connection::Open(path_, Connection::Mode::kReadOnly, Connection::Durability::kFull);
      if (!opened.ok()) {
        connections_.erase(std::this_thread::get_id());
        return opened.error();
      }
      owned = std::move(*opened);
    }
    connection = owned.get();
  }
  cached_connections[next_cache_slot] = CachedConnection{id_, connection};
  next_cache_slot = (next_cache_slot + 1) % cached_connections.size();
  return connection;
}

}  // namespace wdrbe::sqlite
