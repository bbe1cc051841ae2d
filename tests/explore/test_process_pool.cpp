// The process pool: every job ends with its exit code or signal, at most N
// run at once, and a job past the timeout is killed and reported.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "explore/process_pool.h"
#include "tests/support/kiln_cli.h"

using kiln::test::TempDir;
using namespace kiln::explore;

TEST_CASE("process pool: exit codes, signals, timeouts and the parallel limit") {
  TempDir dir;
  std::vector<ChildJob> jobs = {
      {{"/bin/sh", "-c", "exit 3"}, ""},
      {{"/bin/sh", "-c", "echo oops >&2; kill -9 $$"}, dir.file("1.err")},
      {{"/bin/sh", "-c", "sleep 30"}, ""},
      {{"/nonexistent/kiln"}, ""},
  };
  // Jobs that record how many of them run at once.
  for (int i = 0; i < 4; ++i)
    jobs.push_back({{"/bin/sh", "-c",
                     "echo x >> " + dir.file("live") + "; n=$(wc -l < " + dir.file("live") + "); echo $n >> " +
                         dir.file("peak") + "; sleep 0.3; sed -i '$d' " + dir.file("live")},
                    ""});
  std::vector<ChildResult> got(jobs.size());
  std::set<size_t> seen;
  run_children(jobs, 2, 2.0, [&](const ChildResult& r) {
    got[r.index] = r;
    seen.insert(r.index);
  });
  CHECK(seen.size() == jobs.size());
  CHECK(got[0].exit_code == 3);
  CHECK_FALSE(got[0].signaled);
  CHECK(got[1].signaled);
  CHECK(got[1].signal == 9);
  CHECK(kiln::test::slurp(dir.file("1.err")) == "oops\n");
  CHECK(got[2].timed_out);
  CHECK(got[2].wall_ms >= 2000);
  CHECK(got[3].exit_code == 127);
  std::istringstream peaks(kiln::test::slurp(dir.file("peak")));
  int peak = 0;
  for (int n; peaks >> n;) peak = std::max(peak, n);
  CHECK(peak >= 1);
  CHECK(peak <= 2);
}

TEST_CASE("process pool: when the caller gives up, no child is left running") {
  TempDir dir;
  std::vector<ChildJob> jobs = {{{"/bin/sh", "-c", "exit 1"}, ""},
                                {{"/bin/sh", "-c", "sleep 2; touch " + dir.file("late")}, ""}};
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(run_children(jobs, 2, 60, [](const ChildResult& r) {
                      if (r.exit_code == 1) throw std::runtime_error("stop");
                    }),
                    "stop");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
  sleep(3);
  CHECK_FALSE(kiln::test::file_exists(dir.file("late")));
}

TEST_CASE("process pool: a job with a function runs it in a fork: exit code, stderr, signal, timeout") {
  TempDir dir;
  std::vector<ChildJob> jobs(4);
  jobs[0].run = [] { return 7; };
  jobs[1].stderr_path = dir.file("1.err");
  jobs[1].run = [] {
    std::fputs("kiln: error: no\n", stderr);
    return 1;
  };
  jobs[2].run = []() -> int { std::abort(); };
  jobs[3].run = [] {
    sleep(30);
    return 0;
  };
  int here = 0;
  jobs[0].run = [&here] { return ++here + 6; };  // the child's change is its own
  std::vector<ChildResult> got(jobs.size());
  run_children(jobs, 2, 1.0, [&](const ChildResult& r) { got[r.index] = r; });
  CHECK(here == 0);
  CHECK(got[0].exit_code == 7);
  CHECK(got[1].exit_code == 1);
  CHECK(kiln::test::slurp(dir.file("1.err")) == "kiln: error: no\n");
  CHECK(got[2].signaled);
  CHECK(got[2].signal == SIGABRT);
  CHECK(got[3].timed_out);
  CHECK(got[3].wall_ms >= 1000);
  CHECK(got[3].wall_ms < 5000);
}
