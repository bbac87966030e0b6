// The signing key on disk: a PKCS#8 PEM Ed25519 private key, mode 0600, and
// beside it `<path>.pub` holding the verifier key text.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "proof/ed25519.h"
#include "proof/signed_note.h"
#include "redledger/checkpoint.h"

namespace redledger {
namespace {

constexpr size_t kMaxKeyFileBytes = 64 * 1024;

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes a rename or link in `dir` durable.
Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening directory " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("syncing directory " + dir);
  return Status::OK();
}

// Writes `data` to a new file (O_EXCL) with `mode` and syncs it.
Status WriteNewFile(const std::string& path, const std::string& data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Errno("creating " + path);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("writing " + path);
      ::close(fd);
      ::unlink(path.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("syncing " + path);
    ::close(fd);
    ::unlink(path.c_str());
    return s;
  }
  if (::close(fd) != 0) return Errno("closing " + path);
  return Status::OK();
}

std::string TempPath(const std::string& path) { return path + ".tmp-" + HexEncode(RandomBytes(8)); }

// NotFound when missing. With `private_key`, refuses a file others can read.
Result<std::string> ReadSmallFile(const std::string& path, bool private_key) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Errno("opening " + path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("reading " + path);
    ::close(fd);
    return s;
  }
  if (private_key && (st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidArgument("signing key " + path + " is accessible by group or others (mode " + mode +
                                   "); chmod 600 it");
  }
  std::string data;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("reading " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxKeyFileBytes) {
      ::close(fd);
      return Status::InvalidArgument(path + " is too large to be a key");
    }
  }
  ::close(fd);
  return data;
}

// Creates the key file unless another process got there first; either way
// returns the key now at `path`.
Result<proof::Ed25519PrivateKey> CreateKey(const std::string& path) {
  Result<proof::Ed25519PrivateKey> key = proof::Ed25519PrivateKey::Generate();
  if (!key.ok()) return key.status();
  Result<std::string> pem = key->ToPem();
  if (!pem.ok()) return pem.status();
  const std::string tmp = TempPath(path);
  REDLEDGER_RETURN_IF_ERROR(WriteNewFile(tmp, *pem, 0600));
  // link() fails if the path exists: a concurrent first start cannot replace
  // a key that may already have signed a checkpoint.
  const int rc = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return Errno("installing signing key " + path);
  }
  REDLEDGER_RETURN_IF_ERROR(SyncDir(DirOf(path)));
  if (rc == 0) return key;
  Result<std::string> existing = ReadSmallFile(path, /*private_key=*/true);
  if (!existing.ok()) return existing.status();
  return proof::Ed25519PrivateKey::FromPem(*existing);
}

// Replaces `path` with `data` atomically unless it already holds it.
Status WriteIfChanged(const std::string& path, const std::string& data) {
  Result<std::string> current = ReadSmallFile(path, /*private_key=*/false);
  if (current.ok() && *current == data) return Status::OK();
  if (!current.ok() && !current.status().IsNotFound()) return current.status();
  const std::string tmp = TempPath(path);
  REDLEDGER_RETURN_IF_ERROR(WriteNewFile(tmp, data, 0644));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("replacing " + path);
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDir(DirOf(path));
}

}  // namespace

struct Signer::Key {
  proof::Ed25519PrivateKey key;
  uint32_t id;
};

Signer::Signer(std::unique_ptr<Key> key, std::string name, std::string verifier_key)
    : key_(std::move(key)), name_(std::move(name)), verifier_key_(std::move(verifier_key)) {}

Signer::~Signer() = default;

Result<std::unique_ptr<Signer>> Signer::Open(const std::string& key_path, const std::string& name) {
  if (!proof::IsValidKeyName(name)) {
    return Status::InvalidArgument("key name \"" + name + "\" must be non-empty, without spaces or '+'");
  }
  Result<std::string> pem = ReadSmallFile(key_path, /*private_key=*/true);
  Result<proof::Ed25519PrivateKey> key = pem.ok()                    ? proof::Ed25519PrivateKey::FromPem(*pem)
                                         : pem.status().IsNotFound() ? CreateKey(key_path)
                                                                     : Result<proof::Ed25519PrivateKey>(pem.status());
  if (!key.ok()) {
    const Status s = key.status();
    if (s.code() == Status::Code::kInvalidArgument) return Status::InvalidArgument(key_path + ": " + s.message());
    return s;
  }
  std::string vkey = proof::VerifierKeyText(name, key->public_key());
  REDLEDGER_RETURN_IF_ERROR(WriteIfChanged(key_path + ".pub", vkey + "\n"));
  const uint32_t id = proof::KeyId(name, key->public_key());
  return std::unique_ptr<Signer>(
      new Signer(std::make_unique<Key>(Key{std::move(key).value(), id}), name, std::move(vkey)));
}

Result<std::string> Signer::Sign(const Checkpoint& c) const {
  if (c.origin != name_) {
    return Status::InvalidArgument("checkpoint origin " + c.origin + " is not the signing key's name " + name_);
  }
  const std::string text = CheckpointText(c);
  Result<std::string> sig = key_->key.Sign(text);
  if (!sig.ok()) return sig.status();
  return proof::SignedNote(text, name_, key_->id, *sig);
}

}  // namespace redledger
