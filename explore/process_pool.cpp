#include "explore/process_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::explore {
namespace {

using Clock = std::chrono::steady_clock;

pid_t start_child(const ChildJob& job) {
  std::vector<std::string> args = job.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw Error(fmt::format("cannot start a process: {}", std::strerror(errno)));
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    const int err_fd = job.stderr_path.empty() ? null_fd
                                               : ::open(job.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null_fd >= 0) ::dup2(null_fd, STDOUT_FILENO);
    if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
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
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < parallel) {
      const pid_t pid = start_child(jobs[next]);
      running.emplace(pid, Running{next++, Clock::now()});
    }
    int status = 0;
    pid_t ended = waitpid(-1, &status, WNOHANG);
    bool timed_out = false;
    if (ended <= 0) {
      ended = -1;
      for (auto& [pid, r] : running)
        if (std::chrono::duration<double>(Clock::now() - r.start).count() > timeout_s) {
          kill(pid, SIGKILL);
          waitpid(pid, &status, 0);
          ended = pid;
          timed_out = true;
          break;
        }
    }
    if (ended < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
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
