#include "explore/process_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::explore {
namespace {

using Clock = std::chrono::steady_clock;

// SIGCHLD stays blocked while children run, so that the pool sleeps in
// sigtimedwait until one ends (or the next timeout is due) instead of polling.
class BlockChildSignal {
 public:
  BlockChildSignal() {
    sigemptyset(&child_);
    sigaddset(&child_, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &child_, &saved_);
  }
  ~BlockChildSignal() {
    // Drop the signals of children already reaped before unblocking.
    const timespec now{0, 0};
    while (sigtimedwait(&child_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
  }
  BlockChildSignal(const BlockChildSignal&) = delete;
  BlockChildSignal& operator=(const BlockChildSignal&) = delete;
  const sigset_t& saved() const { return saved_; }
  // Sleeps until a child ends or `seconds` pass.
  void wait(double seconds) const {
    const double s = std::clamp(seconds, 0.0, 1.0);
    timespec t;
    t.tv_sec = time_t(s);
    t.tv_nsec = long((s - double(t.tv_sec)) * 1e9);
    sigtimedwait(&child_, nullptr, &t);
  }

 private:
  sigset_t child_{}, saved_{};
};

[[noreturn]] void run_in_child(const ChildJob& job, pid_t parent) {
  // A fork shares this process's open files: the child keeps none of them
  // (a lock such as the sweep directory's must end with this process), and
  // it ends with this process rather than running on as an orphan.
  ::close_range(3, ~0u, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) _exit(3);
  int code = 3;
  try {
    code = job.run();
  } catch (...) {
    // job.run reports its own errors; an escaping exception is a bug.
  }
  std::fflush(nullptr);
  _exit(code);
}

pid_t start_child(const ChildJob& job, const sigset_t& signal_mask) {
  std::vector<std::string> args = job.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // What this process has buffered must not be written twice.
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = fork();
  if (pid < 0) throw Error(fmt::format("cannot start a process: {}", std::strerror(errno)));
  if (pid == 0) {
    pthread_sigmask(SIG_SETMASK, &signal_mask, nullptr);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    const int err_fd = job.stderr_path.empty() ? null_fd
                                               : ::open(job.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null_fd >= 0) ::dup2(null_fd, STDOUT_FILENO);
    if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
    if (job.run) run_in_child(job, parent);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string read_child_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string child_error_line(std::string s) {
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  const std::string prefix = "kiln: error: ";
  if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  return s;
}

void run_children(const std::vector<ChildJob>& jobs, unsigned parallel, double timeout_s,
                  const std::function<void(const ChildResult&)>& on_done) {
  struct Running {
    size_t index;
    Clock::time_point start;
  };
  std::map<pid_t, Running> running;
  size_t next = 0;
  parallel = std::max(1u, parallel);
  const BlockChildSignal blocked;
  const auto fill = [&] {
    while (next < jobs.size() && running.size() < parallel) {
      const pid_t pid = start_child(jobs[next], blocked.saved());
      running.emplace(pid, Running{next++, Clock::now()});
    }
  };
  fill();
  while (!running.empty()) {
    int status = 0;
    pid_t ended = waitpid(-1, &status, WNOHANG);
    bool timed_out = false;
    if (ended <= 0) {
      ended = -1;
      double soonest = timeout_s;
      for (auto& [pid, r] : running) {
        const double left = timeout_s - std::chrono::duration<double>(Clock::now() - r.start).count();
        if (left < 0) {
          kill(pid, SIGKILL);
          waitpid(pid, &status, 0);
          ended = pid;
          timed_out = true;
          break;
        }
        soonest = std::min(soonest, left);
      }
      if (ended < 0) {
        blocked.wait(soonest);
        continue;
      }
    }
    const auto it = running.find(ended);
    if (it == running.end()) continue;  // not one of ours
    ChildResult r;
    r.index = it->second.index;
    r.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - it->second.start).count();
    r.timed_out = timed_out;
    r.signaled = WIFSIGNALED(status);
    r.signal = r.signaled ? WTERMSIG(status) : 0;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    running.erase(it);
    try {
      fill();  // the next job starts before the caller handles this one's result
      on_done(r);
    } catch (...) {
      // The caller gives up: leave no child running behind it.
      for (const auto& [pid, rest] : running) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
      throw;
    }
  }
}

}  // namespace kiln::explore
