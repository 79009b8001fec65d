/*
 * EdgeBench adb emulator (test-only): the emulated device's exec of its benchmark_model stand-in.
 * Preloaded (LD_PRELOAD) into the device's shell, Debian's dash. A phone's kernel runs a real
 * benchmark_model; the stand-in is not a program (an ELF header for the device's ABI, then
 * STAND_IN_MARKER), so when the shell executes a file that carries the marker and may be executed,
 * this runs STAND_IN_CLIENT with the file's path and arguments instead, which asks the emulator to
 * run the stand-in. Every other exec is the real one, so permission errors and foreign programs
 * behave as the kernel makes them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef STAND_IN_MARKER
#error "compile with -DSTAND_IN_MARKER=\"...\""
#endif
#ifndef STAND_IN_CLIENT
#error "compile with -DSTAND_IN_CLIENT=\"...\""
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

int execve(const char *path, char *const argv[], char *const envp[]) {
  execve_fn real = (execve_fn)dlsym(RTLD_NEXT, "execve");
  if (path != NULL && access(path, X_OK) == 0 && carries_marker(path)) {
    size_t argc = 0;
    while (argv[argc] != NULL) argc++;
    char **relay = calloc(argc + 3, sizeof(char *));
    if (relay == NULL) return real(path, argv, envp);
    relay[0] = (char *)STAND_IN_CLIENT;
    relay[1] = (char *)path;
    for (size_t i = 1; i < argc; i++) relay[i + 1] = argv[i];
    return real(STAND_IN_CLIENT, relay, envp);
  }
  return real(path, argv, envp);
}
