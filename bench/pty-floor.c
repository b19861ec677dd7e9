/*
 * The pty floor for the tty throughput row (bench/run.mjs): what any pty-based runner pays.
 *
 *   pty-floor COMMAND...   (each through /bin/sh -c)
 *
 * Runs each COMMAND on a pseudo-terminal of its own, as tf's shim does (a session leader with the
 * terminal as its controlling one and as stdin, stdout and stderr, the kernel's default termios),
 * reads every master as output comes, as large a read as the kernel gives, and throws it away: no
 * relay, no prefixing, no output; only the kernel's tty layer and the writers. Prints the bytes
 * read from each terminal, one line each, in the order given; exits 1 if a command failed.
 * bench/run.mjs compiles it with cc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_COMMANDS 256

static char buffer[65536];

/* The command on a new terminal; returns the master (non-blocking), or -1. */
static int spawn(const char *command, pid_t *pid) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) return -1;
  int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  if (slave < 0 || (*pid = fork()) < 0) return -1;
  if (*pid == 0) {
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    execl("/bin/sh", "sh", "-c", command, (char *)NULL);
    _exit(127);
  }
  close(slave);
  fcntl(master, F_SETFL, O_RDWR | O_NONBLOCK);
  return master;
}

int main(int argc, char **argv) {
  int count = argc - 1;
  if (count < 1 || count > MAX_COMMANDS) {
    fprintf(stderr, "usage: pty-floor COMMAND... (1 to %d)\n", MAX_COMMANDS);
    return 2;
  }
  struct pollfd fds[MAX_COMMANDS];
  pid_t pids[MAX_COMMANDS];
  long long bytes[MAX_COMMANDS] = {0};
  for (int i = 0; i < count; i++) {
    fds[i].fd = spawn(argv[i + 1], &pids[i]);
    fds[i].events = POLLIN;
    if (fds[i].fd < 0) {
      perror("pty-floor");
      return 2;
    }
  }
  for (int open_count = count; open_count > 0;) {
    if (poll(fds, (nfds_t)count, -1) < 0 && errno != EINTR) return 2;
    for (int i = 0; i < count; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) bytes[i] += n;
      else if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      else {
        /* EIO: no process holds the terminal any more. */
        close(fds[i].fd);
        fds[i].fd = -1;
        open_count--;
      }
    }
  }
  int failed = 0;
  for (int i = 0; i < count; i++) {
    int status;
    failed |= waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    printf("%lld\n", bytes[i]);
  }
  return failed;
}
