// An exclusive claim on a results directory for one process: two sweeps
// writing to the same directory at once would interleave their rows and
// resume from each other's half-written state. The claim is an flock(2) on
// DIR/.kiln.lock, which the kernel releases when the process ends however it
// ends, so a killed sweep never leaves a stale lock behind.
#pragma once

#include <string>

namespace kiln::explore {

class DirectoryLock {
 public:
  // Throws kiln::Error naming the directory and the process holding it.
  DirectoryLock(const std::string& dir, const std::string& what);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  static std::string lock_file(const std::string& dir) { return dir + "/.kiln.lock"; }

 private:
  int fd_ = -1;
};

}  // namespace kiln::explore
