/*
 * EdgeBench adb emulator (test-only): the emulated device's exec of its benchmark_model stand-in.
 * Preloaded (LD_PRELOAD) into the device's shell, Debian's dash. A phone's kernel runs a real
 * benchmark_model; the stand-in is not a program (an ELF header for the device's ABI, then
 * STAND_IN_MARKER), so when the shell executes a file that carries the marker and may be executed,
 * this process (the shell's child that would have become the program) asks the emulator to run
 * the stand-in instead, over STAND_IN_SOCKET, relays what it prints and exits with its status.
 * Every other exec is the real one, so permission errors and foreign programs behave as the
 * kernel makes them.
 *
 * The request: a u32 count, then that many strings (u32 length, bytes): the file's path, the
 * working directory, EDGEBENCH_EMULATED_AFFINITY (taskset's stand-in sets it), then the arguments.
 * The reply: frames of a type byte (1 stdout, 2 stderr, 3 exit status), a u32 length, the bytes.
 * Integers are little-endian (this computer's order; both ends run here).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef STAND_IN_MARKER
#error "compile with -DSTAND_IN_MARKER=\"...\""
#endif
#ifndef STAND_IN_SOCKET
#error "compile with -DSTAND_IN_SOCKET=\"...\""
#endif

typedef int (*execve_fn)(const char *, char *const[], char *const[]);

static int carries_marker(const char *path) {
  char head[1024];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, head, sizeof head);
  close(fd);
  return n > 0 && memmem(head, (size_t)n, STAND_IN_MARKER, sizeof STAND_IN_MARKER - 1) != NULL;
}

static int write_all(int fd, const void *data, size_t length) {
  const char *at = data;
  while (length > 0) {
    ssize_t n = write(fd, at, length);
    if (n <= 0) return -1;
    at += n;
    length -= (size_t)n;
  }
  return 0;
}

static int read_all(int fd, void *data, size_t length) {
  char *at = data;
  while (length > 0) {
    ssize_t n = read(fd, at, length);
    if (n <= 0) return -1;
    at += n;
    length -= (size_t)n;
  }
  return 0;
}

static int send_string(int fd, const char *text) {
  uint32_t length = (uint32_t)strlen(text);
  return write_all(fd, &length, 4) || write_all(fd, text, length);
}

/* Runs the stand-in through the emulator; never returns. */
static void relay(const char *path, char *const argv[], const char *affinity) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  strncpy(address.sun_path, STAND_IN_SOCKET, sizeof address.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) _exit(127);
  uint32_t count = 3;
  for (size_t i = 1; argv[i] != NULL; i++) count++;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL) strcpy(cwd, "/");
  if (write_all(fd, &count, 4) || send_string(fd, path) || send_string(fd, cwd) || send_string(fd, affinity != NULL ? affinity : "")) _exit(127);
  for (size_t i = 1; argv[i] != NULL; i++) {
    if (send_string(fd, argv[i])) _exit(127);
  }
  char buffer[65536];
  for (;;) {
    unsigned char kind;
    uint32_t length;
    if (read_all(fd, &kind, 1) || read_all(fd, &length, 4)) _exit(127);
    if (kind == 3) {
      unsigned char status = 127;
      if (length >= 1 && read_all(fd, &status, 1)) _exit(127);
      _exit(status);
    }
    while (length > 0) {
      size_t chunk = length < sizeof buffer ? length : sizeof buffer;
      if (read_all(fd, buffer, chunk)) _exit(127);
      write_all(kind == 1 ? 1 : 2, buffer, chunk);
      length -= (uint32_t)chunk;
    }
  }
}

int execve(const char *path, char *const argv[], char *const envp[]) {
  execve_fn real = (execve_fn)dlsym(RTLD_NEXT, "execve");
  if (path != NULL && access(path, X_OK) == 0 && carries_marker(path)) {
    const char *affinity = NULL;
    for (size_t i = 0; envp[i] != NULL; i++) {
      if (strncmp(envp[i], "EDGEBENCH_EMULATED_AFFINITY=", 28) == 0) affinity = envp[i] + 28;
    }
    relay(path, argv, affinity);
  }
  return real(path, argv, envp);
}
