/* A full disk on demand, for fault-injecting tests: preloaded into a kiln
 * process (LD_PRELOAD), it lets write(2) to files named
 * $KILN_FAULT_FILE (by base name) succeed $KILN_FAULT_AFTER times, then
 * writes half of the next buffer (a short write, as a filling disk gives)
 * and fails every later one with ENOSPC. Other files are untouched, so the
 * child processes a sweep starts run as usual. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_target(int fd) {
  const char* target = getenv("KILN_FAULT_FILE");
  if (!target || !*target) return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  const char* base = strrchr(path, '/');
  return strcmp(base ? base + 1 : path, target) == 0;
}

ssize_t write(int fd, const void* buf, size_t count) {
  static ssize_t (*real_write)(int, const void*, size_t);
  static long writes;
  if (!real_write) real_write = (ssize_t(*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  if (count == 0 || !is_target(fd)) return real_write(fd, buf, count);
  const char* after = getenv("KILN_FAULT_AFTER");
  const long allowed = after ? atol(after) : 0;
  ++writes;
  if (writes <= allowed) return real_write(fd, buf, count);
  if (writes == allowed + 1 && count > 1) return real_write(fd, buf, count / 2);
  errno = ENOSPC;
  return -1;
}
