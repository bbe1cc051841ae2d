#include "explore/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::explore {

DirectoryLock::DirectoryLock(const std::string& dir, const std::string& what) {
  const std::string path = lock_file(dir);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("{}: cannot create the lock file: {}", path, std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    const ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (err != EWOULDBLOCK) throw Error(fmt::format("{}: cannot lock: {}", path, std::strerror(err)));
    throw Error(fmt::format("{}: another {} (pid {}) is writing to this directory; wait for it to end or choose "
                            "another -o",
                            dir, what, n > 0 ? std::string(pid, size_t(n)) : std::string("unknown")));
  }
  // The holder's pid, for the message above; the lock itself is the flock.
  const std::string me = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != ssize_t(me.size())) {
    // Only the message above would miss the pid: the lock holds regardless.
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace kiln::explore
