#include "wdrbe/app/embedded_backend.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wdrbe/app/data_dir_layout.hpp"
#include "wdrbe/app/secrets.hpp"
#include "wdrbe/queue/sqlite/sqlite_atomic_share_sender.hpp"
#include "wdrbe/queue/sqlite/sqlite_atomic_share_settler.hpp"
#include "wdrbe/queue/sqlite/sqlite_dead_letter_queue.hpp"
#include "wdrbe/queue/sqlite/sqlite_share_queue.hpp"
#include "wdrbe/storage/files/file_image_store.hpp"
#include "wdrbe/storage/sqlite/online_backup.hpp"
#include "wdrbe/storage/sqlite/sqlite_activity_watcher.hpp"
#include "wdrbe/storage/sqlite/sqlite_item_store.hpp"

namespace wdrbe::app {
namespace {

constexpr char kLockFile[] = "serve.lock";

// Held for the life of the process so that two servers never share one
// data directory (the kernel drops the lock if the process dies).
class DataDirLock {
 public:
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::filesystem::path& data_dir) {
    const auto path = data_dir / kLockFile;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error::Unavailable("cannot open " + path.string());
    // Exact whatever the umask, and tightened if an older version made it.
    (void)::fchmod(fd, 0600);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Error::Unavailable("another wdrbe serve is already using data directory " + data_dir.string());
    }
    return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
  }
  ~DataDirLock() { ::close(fd_); }
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

struct EmbeddedAdapters {
  EmbeddedAdapters(std::shared_ptr<sqlite::Database> db, int max_receives, const BackendDependencies& deps)
      : database(db),
        store(db),
        queue(db, sqlite::ShareQueueOptions{max_receives}, deps.clock, deps.random),
        dead_letters(db, deps.clock),
        sender(db, deps.clock),
        settler(db),
        activity_watcher(db) {}
  std::unique_ptr<DataDirLock> lock;
  std::shared_ptr<sqlite::Database> database;
  sqlite::SqliteItemStore store;
  sqlite::SqliteShareQueue queue;
  sqlite::SqliteDeadLetterQueue dead_letters;
  sqlite::SqliteAtomicShareSender sender;
  sqlite::SqliteAtomicShareSettler settler;
  sqlite::SqliteActivityWatcher activity_watcher;
  std::unique_ptr<FileImageStore> images;  // serve only: the commands keep no photos
};

}  // namespace

Result<Backend> OpenEmbeddedBackend(const EmbeddedBackendOptions& options, const BackendDependencies& deps) {
  const auto database_path = options.data_dir / kDatabaseFile;
  std::unique_ptr<DataDirLock> lock;
  if (options.serve) {
    if (Status s = PrepareDataDir(options.data_dir); !s.ok()) return s.error();
    auto acquired = DataDirLock::Acquire(options.data_dir);
    if (!acquired.ok()) return acquired.error();
    lock = std::move(*acquired);
  } else if (!std::filesystem::exists(database_path)) {
    return Error::NotFound("no wdrbe database at " + database_path.string());
  }

  sqlite::DatabaseOptions database_options;
  database_options.path = database_path.string();
  database_options.durability = options.full_durability ? sqlite::Connection::Durability::kFull
                                                        : sqlite::Connection::Durability::kNormal;
  database_options.read_connections = options.read_connections;
  database_options.faults = deps.faults;
  auto database = sqlite::Database::Open(database_options);
  if (!database.ok()) return database.error();

  auto adapters = std::make_shared<EmbeddedAdapters>(std::move(*database), options.max_receives, deps);
  adapters->lock = std::move(lock);
  if (options.serve) {
    auto images = FileImageStore::Open(options.data_dir / kImagesDirectory);
    if (!images.ok()) return images.error();
    adapters->images = std::move(*images);
  }
  Backend backend;
  backend.store = &adapters->store;
  backend.queue = &adapters->queue;
  backend.dead_letters = &adapters->dead_letters;
  backend.atomic_sender = &adapters->sender;
  backend.atomic_settler = &adapters->settler;
  backend.activity_watcher = &adapters->activity_watcher;
  backend.images = adapters->images.get();
  // One server owns the directory, so deliveries still in flight belong to
  // a process that died: they return now, not after their timeout.
  backend.before_worker_starts = [queue = &adapters->queue] {
    return queue->RecoverDeliveriesAfterRestart();
  };
  backend.load_cursor_key = [data_dir = options.data_dir, random = &deps.random] {
    return LoadCursorKey(std::nullopt, data_dir, *random);
  };
  backend.description = "data directory " + std::filesystem::absolute(options.data_dir).string();
  backend.close = [database = adapters->database, images = adapters->images.get()] {
    if (images != nullptr) images->Close();
    database->Close();
  };
  backend.adapters = std::move(adapters);
  return backend;
}

Result<int> BackupEmbeddedDatabase(const std::filesystem::path& data_dir,
                                   const std::filesystem::path& destination) {
  return sqlite::BackupDatabase((data_dir / kDatabaseFile).string(), (destination / kDatabaseFile).string());
}

}  // namespace wdrbe::app
