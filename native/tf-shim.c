/*
 * tf-shim: sits between tf and one process tree (tini -s style), so tf can contain that tree with
 * what the kernel records instead of what a process might erase.
 *
 *   tf-shim [--foreground] [--pipes | --tty ROWS COLS] [--pipe-size BYTES] -- PROGRAM ARGS...
 *
 * - It is a child subreaper (PR_SET_CHILD_SUBREAPER): every orphan of the tree re-parents to it, so
 *   a daemon that double-forks, calls setsid and overwrites its environ is still its child.
 * - It forks PROGRAM (in a new session unless --foreground, which `tf run` uses so the terminal's
 *   Ctrl-C reaches the one-off directly) and execs it.
 * - With --pipes, PROGRAM's stdout and stderr are pipe(2)s (Node can only make socketpairs, and
 *   open("/dev/stdout") fails on a socket). The shim keeps the read ends open; tf opens them through
 *   /proc/SHIM/fd/N, which gives tf its own file description of the same pipe. --pipe-size sets
 *   their capacity (tf sizes them to its formation: src/supervisor/spawner.ts).
 * - With --tty, PROGRAM runs on a pseudo-terminal of ROWS x COLS: it calls setsid, makes the
 *   terminal its controlling one (TIOCSCTTY), and has it as stdin, stdout and stderr, so the pty's
 *   session leader is the process group tf signals. tf cannot open the master itself (opening
 *   /proc/SHIM/fd/N of /dev/ptmx allocates a new pty), so the shim relays: what the master reads
 *   goes into an output pipe, what tf writes into an input pipe goes to the master; tf opens the
 *   pipes' other ends through /proc as with --pipes (--pipe-size sizes the output pipe). The relay
 *   reads the master only once the pipe took the last reads, so a slow tf still pauses the program.
 *   The kernel hands out at most 4 KiB a read (n_tty's buffer): the relay reads until the master
 *   has nothing more (or its buffer is nearly full) and writes all of it at once, so a fast
 *   printer costs tf fewer, larger reads. When no process holds the terminal any more (the master
 *   reads EIO), the output pipe is closed: tf reads EOF.
 * - Identity without races: it signals only its own unreaped children (their PIDs cannot be reused
 *   while they are unreaped) and process groups that one of its unreaped children belongs to (a
 *   PGID cannot be reused while a member exists, even a zombie). Everything deeper is reached by
 *   re-parenting: SIGKILL every child, reap, repeat until none is left.
 *
 * Control channel, fd 3 (lines):
 *   shim -> tf: "pid N [OUT ERR]" ("pid N OUT IN" with --tty: tf reads OUT and writes IN), "error ERRNO-NAME" (exec failed), "daemon PID COMM",
 *               "exit code N" | "exit signal N", "gone code N" | "gone signal N" (nothing left).
 *   tf -> shim: "opened" (tf holds its own read ends: the shim may close its own and exit when
 *               nothing is left), "signal N" (to the program's group and to each re-parented
 *               descendant), "kill" (SIGKILL everything, then "gone"), "resize ROWS COLS"
 *               (--tty: the terminal's new size; the kernel sends SIGWINCH to its foreground group).
 *   EOF (tf died, even by SIGKILL): SIGKILL everything.
 * The shim ignores the terminal's signals: tf drives it over fd 3.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

#define CTL 3
#define MAX_CHILDREN 65536
/* How long a process that exited 0 may take to finish daemonizing (its child calling setsid). */
#define SETTLE_MS 50
/* The most one read of a pty master gives (the size of the kernel's n_tty read buffer). */
#define TTY_READ_MAX 4096

/* Set with --pipe-size (tf sizes them to its formation); the kernel's 64 KiB without it. */
static int pipe_bytes;
static pid_t main_pid;
static int main_reaped;
static int main_status;
static int foreground;
static pid_t own_pgid;
static int last_status; /* of the last process reaped: what "gone" reports */
static int reported_daemons;
static pid_t children[MAX_CHILDREN];
/* The read ends of the output pipes, held until tf says it has opened its own (or tf dies). */
static int pipe_ends[2] = {-1, -1};
static int finish_pending;

/* --tty: the master, and the relay between it and tf's two pipes (-1 once closed). out_buf holds
   several of the master's reads (4 KiB at most each), written to tf's pipe at once. */
static int master = -1;
static int relay_out = -1; /* the shim's write end of the output pipe */
static int relay_in = -1;  /* the shim's read end of the input pipe */
static int master_hung;    /* no process holds the terminal any more */
static char out_buf[65536], in_buf[4096];
static size_t out_len, out_off, in_len, in_off;

static const int IGNORED[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};

/* One line to tf; a failed write means tf is gone, which the next poll sees as EOF. */
static void say(const char *format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (n < 0) return;
  if (n >= (int)sizeof line) n = sizeof line - 1;
  ssize_t ignored = write(CTL, line, (size_t)n);
  (void)ignored;
}

static void say_status(const char *what, int status) {
  if (WIFSIGNALED(status)) say("%s signal %d\n", what, WTERMSIG(status));
  else say("%s code %d\n", what, WEXITSTATUS(status));
}

/* Field 5 of /proc/PID/stat. Only called for our own unreaped children, whose entries are stable. */
static pid_t pgid_of(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *end = strrchr(buf, ')'); /* comm may contain spaces and parentheses */
  int ppid, pgid;
  char state;
  if (!end || sscanf(end + 1, " %c %d %d", &state, &ppid, &pgid) != 3) return -1;
  return pgid;
}

static void comm_of(pid_t pid, char *out, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/comm", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, out, size - 1);
  if (fd >= 0) close(fd);
  if (n <= 0) n = 0;
  out[n] = 0;
  for (char *c = out; *c; c++) if (*c == '\n' || *c == ' ') *c = *c == '\n' ? 0 : '_';
  if (!*out) snprintf(out, size, "?");
}

/* Our direct children, unreaped ones included (zombies too): the kernel's list, else a /proc scan. */
static int list_children(void) {
  int count = 0;
  char path[300];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", getpid());
  FILE *file = fopen(path, "re");
  if (file) {
    int pid;
    while (count < MAX_CHILDREN && fscanf(file, "%d", &pid) == 1) children[count++] = pid;
    fclose(file);
    return count;
  }
  DIR *proc = opendir("/proc");
  if (!proc) return 0;
  pid_t self = getpid();
  struct dirent *entry;
  while (count < MAX_CHILDREN && (entry = readdir(proc))) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char stat[512], *end;
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0) continue;
    stat[n] = 0;
    end = strrchr(stat, ')');
    int ppid;
    char state;
    if (end && sscanf(end + 1, " %c %d", &state, &ppid) == 2 && ppid == self) children[count++] = atoi(entry->d_name);
  }
  closedir(proc);
  return count;
}

/*
 * The program's group, while it is provably still the one the program made: some unreaped child of
 * ours is in it. In --foreground mode the program shares tf's group, which is never ours to signal.
 */
static pid_t main_group(int count) {
  if (foreground) return 0;
  if (!main_reaped) return main_pid;
  for (int i = 0; i < count; i++) if (pgid_of(children[i]) == main_pid) return main_pid;
  return 0;
}

/* Signals the program's group and every other child of ours (with its own group, if it leads one). */
static void signal_all(int sig) {
  int count = list_children();
  pid_t group = main_group(count);
  if (group) kill(-group, sig);
  else if (!main_reaped) kill(main_pid, sig);
  for (int i = 0; i < count; i++) {
    pid_t child = children[i], pgid = pgid_of(child);
    if (group && pgid == group) continue;
    if (pgid == child && pgid != own_pgid) kill(-child, sig);
    kill(child, sig);
  }
}

static void reaped(pid_t pid, int status) {
  last_status = status;
  if (pid != main_pid) return;
  main_reaped = 1;
  main_status = status;
}

/* Reaps whatever has exited; returns 0 once we have no children at all. */
static int reap(int flags) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, flags);
    if (pid > 0) {
      reaped(pid, status);
      flags |= WNOHANG;
      continue;
    }
    if (pid == 0) return 1;
    if (errno == EINTR) continue;
    return 0;
  }
}

/* Exits once nothing is left; with pipes, only after tf has opened them (else their output is lost). */
static void finish(void) {
  if (pipe_ends[0] >= 0 || relay_out >= 0) {
    finish_pending = 1;
    return;
  }
  say_status("gone", last_status);
  _exit(0);
}

static void pipes_opened(void) {
  for (int k = 0; k < 2; k++) if (pipe_ends[k] >= 0) close(pipe_ends[k]);
  pipe_ends[0] = pipe_ends[1] = -1;
  if (finish_pending) finish();
}

/* SIGKILL every child, reap, repeat: orphans keep re-parenting to us, so even a fork storm ends. */
static void kill_all(int tf_gone) {
  int had_main = main_reaped;
  for (;;) {
    int count = list_children();
    if (count == 0 && !reap(WNOHANG)) break;
    signal_all(SIGKILL);
    if (count > 0) {
      if (!reap(0)) break; /* one of those just SIGKILLed ends soon */
    } else {
      /* The kernel's list missed a child it still has (racing with a fork or exit, or no /proc):
         never block on a child nobody has killed; look again shortly. */
      poll(NULL, 0, 5);
    }
  }
  if (!had_main) say_status("exit", main_status);
  if (tf_gone) {
    /* Nobody reads the output any more. */
    if (relay_out >= 0) close(relay_out);
    relay_out = -1;
    pipes_opened();
  }
  finish();
}

/* After the program exited 0: which children of ours live on outside its group (daemons)? */
static void report_daemons(void) {
  int count = list_children();
  for (int i = 0; i < count; i++) {
    pid_t pgid = pgid_of(children[i]);
    if (pgid == (foreground ? own_pgid : main_pid)) continue;
    char comm[64];
    comm_of(children[i], comm, sizeof comm);
    say("daemon %d %s\n", children[i], comm);
    reported_daemons = 1;
  }
}

/* Children still in the program's group may be about to call setsid (a daemon's usual fork, exit, setsid). */
static int settling(void) {
  int count = list_children();
  pid_t group = foreground ? own_pgid : main_pid;
  for (int i = 0; i < count; i++) if (pgid_of(children[i]) == group) return 1;
  return 0;
}

static void main_exited(void) {
  if (WIFEXITED(main_status) && WEXITSTATUS(main_status) == 0) {
    for (int waited = 0; waited < SETTLE_MS && settling(); waited += 5) {
      poll(NULL, 0, 5);
      reap(WNOHANG);
    }
    report_daemons();
  }
  say_status("exit", main_status);
}

static void set_size(int rows, int cols) {
  struct winsize size = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (master >= 0 && rows > 0 && cols > 0) ioctl(master, TIOCSWINSZ, &size);
}

static void command(char *line) {
  int rows, cols;
  if (strcmp(line, "kill") == 0) kill_all(0);
  else if (sscanf(line, "resize %d %d", &rows, &cols) == 2) set_size(rows, cols);
  else if (strcmp(line, "opened") == 0) pipes_opened();
  else if (strncmp(line, "signal ", 7) == 0) signal_all(atoi(line + 7));
}

/* Reads tf's commands; EOF or an error means tf died: nothing of the tree may outlive it. */
static void read_commands(void) {
  static char buffer[256];
  static size_t used;
  ssize_t n = read(CTL, buffer + used, sizeof buffer - 1 - used);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) kill_all(1);
  used += (size_t)n;
  char *start = buffer, *newline;
  while ((newline = memchr(start, '\n', used - (size_t)(start - buffer)))) {
    *newline = 0;
    command(start);
    start = newline + 1;
  }
  used -= (size_t)(start - buffer);
  memmove(buffer, start, used);
  if (used == sizeof buffer - 1) used = 0; /* a line that long is no command */
}

/* The relay's output side is drained and the terminal hung up: tf reads EOF. */
static void close_output(void) {
  if (relay_out >= 0) close(relay_out);
  relay_out = -1;
  if (finish_pending) finish();
}

/* Moves bytes master -> output pipe and input pipe -> master, as far as each side takes them. */
static void relay(struct pollfd *fds) {
  /* Input for a terminal nobody holds any more goes nowhere (and would wake poll at once). */
  if (fds[2].revents & (POLLHUP | POLLERR)) in_len = 0;
  if (fds[2].revents & POLLIN || (fds[2].revents & (POLLHUP | POLLERR) && out_len == 0)) {
    out_off = 0;
    for (;;) {
      ssize_t n = read(master, out_buf + out_len, sizeof out_buf - out_len);
      if (n > 0 && (out_len += (size_t)n) + TTY_READ_MAX <= sizeof out_buf) continue;
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) master_hung = 1; /* EIO: no process holds the terminal */
      break;
    }
  }
  if (out_len > 0 && relay_out >= 0) {
    ssize_t n = write(relay_out, out_buf + out_off, out_len - out_off);
    if (n > 0 && (out_off += (size_t)n) == out_len) out_len = 0;
    /* tf closed its end: keep draining the terminal so the program never blocks on it. */
    if (n < 0 && errno == EPIPE) close_output();
  }
  if (relay_out < 0) out_len = 0;
  if (master_hung && out_len == 0 && relay_out >= 0) close_output();
  if (fds[4].revents & (POLLIN | POLLHUP | POLLERR) && in_len == 0) {
    ssize_t n = read(relay_in, in_buf, sizeof in_buf);
    if (n > 0) in_len = (size_t)n, in_off = 0;
    else if (n == 0 || (errno != EINTR && errno != EAGAIN)) close(relay_in), relay_in = -1;
  }
  if (in_len > 0) {
    ssize_t n = write(master, in_buf + in_off, in_len - in_off);
    if ((n > 0 && (in_off += (size_t)n) == in_len) || (n < 0 && errno != EAGAIN && errno != EINTR)) in_len = 0;
  }
}

/* What the relay waits for: fds 2..4 of the poll set (master, output pipe, input pipe). */
static void relay_events(struct pollfd *fds) {
  fds[2].fd = master_hung ? -1 : master;
  fds[2].events = (short)((out_len == 0 ? POLLIN : 0) | (in_len > 0 ? POLLOUT : 0));
  if (fds[2].events == 0) fds[2].fd = -1;
  fds[3].fd = out_len > 0 ? relay_out : -1;
  fds[3].events = POLLOUT;
  fds[4].fd = in_len == 0 ? relay_in : -1;
  fds[4].events = POLLIN;
}

/*
 * A pty of ROWS x COLS and the two pipes tf reads and writes. Returns the slave, which the shim
 * holds until the program runs: a master whose slave was never opened reads EIO at once.
 */
static int open_tty(int rows, int cols, int out[2], int in[2]) {
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) return -1;
  const char *name = ptsname(master);
  int slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
  if (slave < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(in, O_CLOEXEC) < 0) return -1;
  set_size(rows, cols);
  /* Only the shim's own ends: tf's are separate file descriptions, opened through /proc. */
  fcntl(master, F_SETFL, O_NONBLOCK | O_RDWR);
  fcntl(out[1], F_SETFL, O_NONBLOCK | O_WRONLY);
  fcntl(in[0], F_SETFL, O_NONBLOCK | O_RDONLY);
  return slave;
}

/*
 * Forks and execs the program. Returns only once it runs (or failed to): until the child has
 * called setsid and reset its signals, a stop signal for its group would be lost, so tf learns the
 * pid only then. The child tells an exec failure through a close-on-exec pipe; EOF means it ran.
 */
static void start_program(char **argv, int pipes, int rows, int cols, sigset_t *blocked) {
  int out[2] = {-1, -1}, err[2] = {-1, -1}, sync[2], slave = -1;
  int tty = rows > 0;
  if ((tty && (slave = open_tty(rows, cols, out, err)) < 0) || (pipes && (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)) || pipe2(sync, O_CLOEXEC) < 0) {
    say("error %s\n", strerror(errno));
    _exit(111);
  }
  if ((pipes || tty) && pipe_bytes > 0) {
    /* A bigger buffer: a chatty process blocks (and switches) less often. Best effort: a lower
       fs.pipe-max-size, or a user over fs.pipe-user-pages-soft, just keeps the default. With
       --tty, err is the input pipe: keystrokes need no more than the default. */
    fcntl(out[1], F_SETPIPE_SZ, pipe_bytes);
    if (pipes) fcntl(err[1], F_SETPIPE_SZ, pipe_bytes);
  }
  main_pid = fork();
  if (main_pid < 0) {
    say("error %s\n", strerror(errno));
    _exit(111);
  }
  if (main_pid == 0) {
    if (!foreground) setsid();
    if (tty) {
      /* The pty's session leader is the group tf signals; its Ctrl-C reaches that group alone. */
      ioctl(slave, TIOCSCTTY, 0);
      dup2(slave, 0);
      dup2(slave, 1);
      dup2(slave, 2);
    }
    if (pipes) {
      dup2(out[1], 1);
      dup2(err[1], 2);
    }
    for (size_t i = 0; i < sizeof IGNORED / sizeof *IGNORED; i++) signal(IGNORED[i], SIG_DFL);
    sigprocmask(SIG_UNBLOCK, blocked, NULL);
    execvp(argv[0], argv);
    int error = errno;
    ssize_t ignored = write(sync[1], &error, sizeof error);
    (void)ignored;
    _exit(error == ENOENT ? 127 : 126);
  }
  close(sync[1]);
  int error = 0;
  while (read(sync[0], &error, sizeof error) < 0 && errno == EINTR) {}
  close(sync[0]);
  if (tty) {
    close(slave);
    relay_out = out[1];
    relay_in = err[0];
    pipe_ends[0] = out[0];
    pipe_ends[1] = err[1];
    say("pid %d %d %d\n", main_pid, out[0], err[1]);
  } else if (pipes) {
    close(out[1]);
    close(err[1]);
    pipe_ends[0] = out[0];
    pipe_ends[1] = err[0];
    say("pid %d %d %d\n", main_pid, out[0], err[0]);
  } else {
    say("pid %d\n", main_pid);
  }
  /* tf run names a missing program. */
  if (error) say("error %s\n", error == ENOENT ? "ENOENT" : error == EACCES ? "EACCES" : strerror(error));
}

int main(int argc, char **argv) {
  int pipes = 0, rows = 0, cols = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--foreground") == 0) foreground = 1;
    else if (strcmp(argv[i], "--pipes") == 0) pipes = 1;
    else if (strcmp(argv[i], "--pipe-size") == 0 && i + 1 < argc) pipe_bytes = atoi(argv[++i]);
    else if (strcmp(argv[i], "--tty") == 0 && i + 2 < argc) rows = atoi(argv[++i]), cols = atoi(argv[++i]);
    else break;
  }
  if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc || (rows > 0 && (pipes || cols <= 0)) || fcntl(CTL, F_SETFD, FD_CLOEXEC) < 0) {
    fprintf(stderr, "usage: tf-shim [--foreground] [--pipes | --tty ROWS COLS] [--pipe-size BYTES] -- PROGRAM ARGS... (with a control channel on fd 3)\n");
    return 111;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
    say("error subreaper: %s\n", strerror(errno));
    return 111;
  }
  own_pgid = getpgrp();
  for (size_t k = 0; k < sizeof IGNORED / sizeof *IGNORED; k++) signal(IGNORED[k], SIG_IGN);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGCHLD);
  sigprocmask(SIG_BLOCK, &blocked, NULL);
  int sigfd = signalfd(-1, &blocked, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    say("error signalfd: %s\n", strerror(errno));
    return 111;
  }
  start_program(argv + i + 1, pipes, rows, cols, &blocked);
  struct pollfd fds[5] = {{.fd = CTL, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}, {.fd = -1}, {.fd = -1}, {.fd = -1}};
  for (;;) {
    relay_events(fds);
    for (int k = 0; k < 5; k++) fds[k].revents = 0;
    if (poll(fds, 5, -1) < 0 && errno != EINTR) kill_all(1);
    if (fds[0].revents) read_commands();
    if (master >= 0) relay(fds);
    if (fds[1].revents) {
      struct signalfd_siginfo info;
      while (read(sigfd, &info, sizeof info) == sizeof info) {}
      int before = main_reaped;
      int any = reap(WNOHANG);
      if (!before && main_reaped) main_exited();
      if (main_reaped && !any && !finish_pending) finish();
    }
  }
}
