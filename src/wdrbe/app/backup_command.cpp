#include "wdrbe/app/backup_command.hpp"

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "wdrbe/app/data_dir_layout.hpp"
#include "wdrbe/app/embedded_backend.hpp"
#include "wdrbe/storage/files/file_image_store.hpp"
#include "wdrbe/storage/private_files.hpp"

namespace wdrbe::app {
namespace {

// Copies the photo files (storage/files/file_image_store.hpp) after the
// database's snapshot. Each file is replaced whole by rename on the live
// server, so each copy is one whole version; a photo uploaded after the
// snapshot may come along too, for an item the copy does not have (no
// route reaches it). The number copied, or the first failure.
Result<int> CopyPhotos(const std::filesystem::path& source, const std::filesystem::path& destination) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(source, ec)) return 0;
  if (Status s = CreatePrivateDirectory(destination); !s.ok()) return s.error();
  int copied = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(source, ec)) {
    const std::string name = entry.path().filename().string();
    // Temporary files of a write in progress start with a dot.
    if (name.starts_with(".") || !entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) continue;  // replaced or removed meanwhile: gone from the live server too
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Error::Unavailable("cannot read " + entry.path().string());
    if (Status s = WriteNewFileAtomically(destination / name, bytes); !s.ok()) return s.error();
    ++copied;
  }
  if (ec) return Error::Unavailable("cannot list " + source.string() + ": " + ec.message());
  return copied;
}

}  // namespace

int RunBackup(const BackupOptions& options) {
  namespace fs = std::filesystem;
  const fs::path source(options.data_dir);
  const fs::path destination(options.destination);
  std::error_code ec;
  if (fs::exists(destination)) {
    std::cerr << "wdrbe backup: " << destination << " already exists; give a new directory" << std::endl;
    return 1;
  }
  // A backup is as private as the data directory it copies.
  if (Status s = CreatePrivateDirectory(destination); !s.ok()) {
    std::cerr << "wdrbe backup: " << s.error().message << std::endl;
    return 1;
  }
  auto pages = BackupEmbeddedDatabase(source, destination);
  if (!pages.ok()) {
    std::cerr << "wdrbe backup: " << pages.error().message << std::endl;
    fs::remove_all(destination, ec);
    return 1;
  }
  // Without the cursor key a restored server would refuse every cursor
  // clients still hold. A server started with --cursor-key-file keeps no
  // key here: that file is the operator's to keep, and is not copied.
  if (!fs::exists(source / kCursorKeyFile)) {
    std::cerr << "wdrbe backup: " << source
              << " holds no cursor.key (a server with --cursor-key-file keeps its key in that file: back it "
                 "up too); copied the database only"
              << std::endl;
  } else {
    std::ifstream in(source / kCursorKeyFile, std::ios::binary);
    const std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status copied = in.bad() ? Status(Error::Unavailable("cannot read " + (source / kCursorKeyFile).string()))
                             : WriteNewFileAtomically(destination / kCursorKeyFile, key);
    if (!copied.ok()) {
      std::cerr << "wdrbe backup: copied the database but not cursor.key: " << copied.error().message
                << std::endl;
      return 1;
    }
  }
  auto photos = CopyPhotos(source / kImagesDirectory, destination / kImagesDirectory);
  if (!photos.ok()) {
    std::cerr << "wdrbe backup: copied the database but not every photo: " << photos.error().message
              << std::endl;
    return 1;
  }
  std::cout << boost::json::serialize(boost::json::object{
                   {"backup", destination.string()}, {"pages", *pages}, {"photoFiles", *photos}})
            << std::endl;
  return 0;
}

}  // namespace wdrbe::app
