// BackupDataDir / RestoreDataDir (redledger/backup.h) and the `backup` and
// `restore` commands.
#include "redledger/backup.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "cli/common.h"
#include "cli/rocks_copy.h"
#include "redledger/clock.h"
#include "redledger/log_verifier.h"

namespace redledger {
namespace {

namespace fs = std::filesystem;

// The parts of a data directory in the order they are copied (see backup.h).
enum class PartKind { kDatabase, kFile, kDirectory };
struct Part {
  const char* name;
  PartKind kind;
};
constexpr Part kParts[] = {
    {"projections", PartKind::kDatabase}, {"scores.checkpoint", PartKind::kFile}, {"idempotency", PartKind::kDatabase},
    {"log", PartKind::kDatabase},         {"credentials", PartKind::kDatabase},   {"vault", PartKind::kDatabase},
    {"keys", PartKind::kDirectory},
};

Status CopyPart(const Part& part, const fs::path& from, const fs::path& to) {
  std::error_code ec;
  switch (part.kind) {
    case PartKind::kDatabase:
      return cli::CopyRocksDb(from.string(), to.string());
    case PartKind::kFile:
      fs::copy_file(from, to, ec);
      break;
    case PartKind::kDirectory:
      fs::copy(from, to, fs::copy_options::recursive, ec);
      break;
  }
  if (ec) return Status::IOError("copying " + from.string() + ": " + ec.message());
  return Status::OK();
}

Result<uint64_t> LogHead(const std::string& data_dir) {
  Result<std::unique_ptr<EventStore>> store = cli::OpenLogReadOnly(data_dir);
  if (!store.ok()) return store.status();
  return (*store)->Head();
}

}  // namespace

Result<BackupInfo> BackupDataDir(const std::string& data_dir, const std::string& backup_root) {
  if (!fs::exists(cli::LogDir(data_dir))) return Status::NotFound("no log in " + data_dir);
  const Micros now = SystemClock::Default()->NowMicros();
  std::string stamp = FormatRfc3339(now);  // 2022-07-21T08:00:00.000000Z
  std::erase_if(stamp, [](char c) { return c == '-' || c == ':' || c == '.'; });
  BackupInfo info;
  info.backup_id = "backup-" + stamp;
  info.path = (fs::path(backup_root) / info.backup_id).string();
  const fs::path partial = fs::path(backup_root) / ("." + info.backup_id + ".partial");
  std::error_code ec;
  fs::create_directories(partial, ec);
  if (ec) return Status::IOError("creating " + partial.string() + ": " + ec.message());
  if (fs::exists(info.path)) return Status::IOError(info.path + " exists");

  boost::json::array parts;
  Status s;
  for (const Part& part : kParts) {
    const fs::path from = fs::path(data_dir) / part.name;
    if (!fs::exists(from)) continue;
    s = CopyPart(part, from, partial / part.name);
    if (!s.ok()) break;
    parts.emplace_back(part.name);
  }
  Result<uint64_t> head = s.ok() ? LogHead(partial.string()) : Result<uint64_t>(s);
  if (!head.ok()) {
    fs::remove_all(partial, ec);
    return head.status();
  }
  info.position = *head;
  boost::json::object manifest{{"backup_id", info.backup_id},
                               {"position", info.position},
                               {"created_at", FormatRfc3339(now)},
                               {"parts", parts}};
  {
    std::ofstream out(partial / "backup.json");
    out << boost::json::serialize(manifest) << "\n";
    if (!out) s = Status::IOError("writing backup.json");
  }
  if (s.ok()) fs::rename(partial, info.path, ec);
  if (!s.ok() || ec) {
    fs::remove_all(partial, ec);
    return s.ok() ? Status::IOError("renaming the backup into place") : s;
  }
  return info;
}

Result<uint64_t> RestoreDataDir(const std::string& backup_dir, const std::string& data_dir) {
  Result<std::string> text = cli::ReadFile(backup_dir + "/backup.json");
  if (!text.ok()) return Status::InvalidArgument(backup_dir + " is not a backup (no backup.json)");
  boost::system::error_code jec;
  boost::json::value manifest = boost::json::parse(*text, jec);
  if (jec || !manifest.is_object() || !manifest.as_object().contains("position") ||
      !manifest.as_object().contains("parts")) {
    return Status::InvalidArgument(backup_dir + "/backup.json is malformed");
  }
  const uint64_t position = manifest.at("position").to_number<uint64_t>();
  for (const Part& part : kParts) {
    if (fs::exists(fs::path(data_dir) / part.name)) {
      return Status::InvalidArgument(data_dir + " already holds " + part.name +
                                     " (stop the server and move the directory away first)");
    }
  }
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  for (const Part& part : kParts) {
    const fs::path from = fs::path(backup_dir) / part.name;
    if (!fs::exists(from)) continue;
    fs::copy(from, fs::path(data_dir) / part.name, fs::copy_options::recursive, ec);
    if (ec) return Status::IOError("restoring " + from.string() + ": " + ec.message());
  }
  Result<std::unique_ptr<EventStore>> store = cli::OpenLogReadOnly(data_dir);
  if (!store.ok()) return store.status();
  if ((*store)->Head() != position) {
    return Status::Corruption("the restored log ends at " + std::to_string((*store)->Head()) + ", the backup says " +
                              std::to_string(position));
  }
  REDLEDGER_RETURN_IF_ERROR(VerifyLog(**store, {}));
  return position;
}

namespace cli {
namespace {

constexpr char kBackupUsage[] = R"(redledger backup --data-dir D --to B: a consistent backup of a data directory, also while the server runs
  --data-dir D            the data directory
  --to B                  the backup root; the backup goes to B/backup-<time>/
Copies the log, vault, credentials, idempotency records, read models, scores.checkpoint and
keys/ (the vault and the signing key are secrets: protect B like D). Prints the backup id
and the log position it holds. The server's POST /v1/admin/backups does the same.
)";

constexpr char kRestoreUsage[] = R"(redledger restore --from B --data-dir D: restore a backup (server stopped)
  --from B                one backup directory (B/backup-<time>, with its backup.json)
  --data-dir D            where to restore; must not hold a log, vault, … yet
Copies the parts back, then verifies the restored log end to end.
)";

int RunBackup(const std::vector<std::string>& args, Io io) {
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "to"}, {});
  if (!flags.ok()) return Fail(io, "backup", flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  Result<std::string> to = flags->Required("to");
  if (!data_dir.ok() || !to.ok()) return Fail(io, "backup", "--data-dir and --to are required (see --help)", 2);
  Result<BackupInfo> info = BackupDataDir(*data_dir, *to);
  if (!info.ok()) return Fail(io, "backup", info.status().message());
  io.out << boost::json::serialize(boost::json::object{
                {"backup_id", info->backup_id}, {"position", info->position}, {"path", info->path}})
         << "\n";
  return 0;
}

int RunRestore(const std::vector<std::string>& args, Io io) {
  Result<Flags> flags = Flags::Parse(args, {"from", "data-dir"}, {});
  if (!flags.ok()) return Fail(io, "restore", flags.status().message() + " (see --help)", 2);
  Result<std::string> from = flags->Required("from");
  Result<std::string> data_dir = flags->Required("data-dir");
  if (!from.ok() || !data_dir.ok()) return Fail(io, "restore", "--from and --data-dir are required (see --help)", 2);
  Result<uint64_t> position = RestoreDataDir(*from, *data_dir);
  if (!position.ok()) return Fail(io, "restore", position.status().message());
  io.out << "restored " << *from << " into " << *data_dir << ": log verified up to position " << *position << "\n";
  return 0;
}

}  // namespace

Command BackupCommand() { return {"backup", kBackupUsage, RunBackup}; }
Command RestoreCommand() { return {"restore", kRestoreUsage, RunRestore}; }

}  // namespace cli
}  // namespace redledger
