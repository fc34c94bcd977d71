#include "wdrbe/storage/sqlite/database.hpp"

#include "wdrbe/storage/sqlite/migrations.hpp"

namespace wdrbe::sqlite {

Result<std::shared_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  auto connection = Connection::Open(options.path, Connection::Mode::kReadWrite, options.durability);
  if (!connection.ok()) return connection.error();
  if (Status s = ApplyMigrations(**connection); !s.ok()) return s.error();
  auto readers = Readers::Start(options.path, options.read_connections, options.faults);
  if (!readers.ok()) return readers.error();
  auto activity_bus = std::make_unique<ActivityBus>();
  auto writer =
      GroupCommitWriter::Start(std::move(*connection), options.faults,
                               [bus = activity_bus.get()](const std::vector<std::string>& user_ids) {
                                 for (const std::string& user_id : user_ids) bus->Notify(user_id);
                               });
  return std::shared_ptr<Database>(
      new Database(std::move(activity_bus), std::move(writer), std::move(*readers)));
}

Database::~Database() { Close(); }

void Database::Close() {
  writer_->Stop();
  readers_->Stop();
}

}  // namespace wdrbe::sqlite
