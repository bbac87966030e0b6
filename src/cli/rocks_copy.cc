#include "cli/rocks_copy.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <vector>

namespace redledger::cli {
namespace {

Status Rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  return Status::IOError(what + ": " + s.ToString());
}

// Closes a database and its handles.
struct OpenDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~OpenDb() {
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    if (db != nullptr) db->Close().PermitUncheckedError();
    delete db;
  }
};

constexpr size_t kBatchBytes = 4u << 20;

}  // namespace

Status CopyRocksDb(const std::string& from, const std::string& to) {
  if (!std::filesystem::exists(from + "/CURRENT")) return Status::NotFound("no database in " + from);
  std::vector<std::string> names;
  REDLEDGER_RETURN_IF_ERROR(Rocks(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), from, &names), "listing " + from));
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const std::string& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());

  std::string secondary = (std::filesystem::temp_directory_path() / "redledger-backup-XXXXXX").string();
  if (mkdtemp(secondary.data()) == nullptr) return Status::IOError("cannot create a temporary directory");
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_secondary{secondary};

  Status result;
  {
    OpenDb src;
    rocksdb::Options options;
    // Keeps every file open, so the writer's compactions cannot pull a file
    // from under the copy.
    options.max_open_files = -1;
    REDLEDGER_RETURN_IF_ERROR(Rocks(rocksdb::DB::OpenAsSecondary(options, from, secondary, cfs, &src.handles, &src.db),
                                    "opening " + from));
    REDLEDGER_RETURN_IF_ERROR(Rocks(src.db->TryCatchUpWithPrimary(), "catching up with " + from));

    OpenDb dst;
    rocksdb::DBOptions out_options;
    out_options.create_if_missing = true;
    out_options.create_missing_column_families = true;
    out_options.error_if_exists = true;
    REDLEDGER_RETURN_IF_ERROR(Rocks(rocksdb::DB::Open(out_options, to, cfs, &dst.handles, &dst.db), "creating " + to));

    rocksdb::WriteOptions wo;
    wo.disableWAL = true;  // flushed below; a failed copy is discarded anyway
    for (size_t i = 0; i < cfs.size(); ++i) {
      rocksdb::ReadOptions ro;
      ro.fill_cache = false;
      std::unique_ptr<rocksdb::Iterator> it(src.db->NewIterator(ro, src.handles[i]));
      rocksdb::WriteBatch batch;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        REDLEDGER_RETURN_IF_ERROR(Rocks(batch.Put(dst.handles[i], it->key(), it->value()), "copying"));
        if (batch.GetDataSize() >= kBatchBytes) {
          REDLEDGER_RETURN_IF_ERROR(Rocks(dst.db->Write(wo, &batch), "writing " + to));
          batch.Clear();
        }
      }
      REDLEDGER_RETURN_IF_ERROR(Rocks(it->status(), "reading " + from));
      REDLEDGER_RETURN_IF_ERROR(Rocks(dst.db->Write(wo, &batch), "writing " + to));
    }
    rocksdb::FlushOptions flush;
    flush.wait = true;
    result = Rocks(dst.db->Flush(flush, dst.handles), "flushing " + to);
  }
  return result;
}

}  // namespace redledger::cli
