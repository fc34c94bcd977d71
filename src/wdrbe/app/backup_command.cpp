#include "wdrbe/app/backup_command.hpp"

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "wdrbe/app/data_dir_layout.hpp"
#include "wdrbe/app/embedded_backend.hpp"
#include "wdrbe/storage/private_files.hpp"

namespace wdrbe::app {

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
  std::cout << boost::json::serialize(
                   boost::json::object{{"backup", destination.string()}, {"pages", *pages}})
            << std::endl;
  return 0;
}

}  // namespace wdrbe::app
