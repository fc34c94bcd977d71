#include "wdrbe/storage/sqlite/readers.hpp"

namespace wdrbe::sqlite {

Result<std::unique_ptr<Readers>> Readers::Start(const std::string& path, int threads,
                                                std::shared_ptr<const FaultInjector> faults) {
  std::unique_ptr<Readers> readers(new Readers());
  if (threads == 0) {
    // Fail at start, not at the first read, when the file cannot be read.
    auto probe = Connection::Open(path, Connection::Mode::kReadOnly, Connection::Durability::kFull);
    if (!probe.ok()) return probe.error();
    readers->inline_ = std::make_unique<InlineReaders>(path, std::move(faults));
    return readers;
  }
  auto pool = ReadPool::Start(path, threads, std::move(faults));
  if (!pool.ok()) return pool.error();
  readers->pool_ = std::move(*pool);
  return readers;
}

void Readers::Stop() {
  if (pool_) pool_->Stop();
  if (inline_) inline_->Stop();
}

}  // namespace wdrbe::sqlite
