package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.PosixSpawn.C;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A process {@link Spawner} started: it leads its own session and process group, so its pid is the
 * group id and a signal reaches everything it started there.
 *
 * <p>A reaper thread waits for it in two steps: {@code waitid(WNOWAIT)} sees the exit but leaves
 * the zombie, which keeps the pid (and so the group id) from being reused; only after marking the
 * child exited does it reap. A signal checks that mark under the same lock, so it never reaches a
 * process group that a later process took over the number of.
 */
final class Child {

  private static final Logger LOG = Logger.getLogger(Child.class.getName());
  private static final int SIGKILL = 9;

  /** One blocked thread per running child, reused once it ended. */
  private static final ExecutorService REAPERS =
      Executors.newCachedThreadPool(Thread.ofPlatform().name("reaper-", 0).daemon().factory());

  private final int pid;
  private final Optional<OutputStream> stdin;
  private final List<InputStream> outputs;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private boolean exited;

  private Child(int pid, Optional<OutputStream> stdin, List<InputStream> outputs) {
    this.pid = pid;
    this.stdin = stdin;
    this.outputs = outputs;
  }

  /** Takes charge of a process just spawned and starts waiting for it. */
  static Child started(int pid, Optional<OutputStream> stdin, List<InputStream> outputs) {
    Child child = new Child(pid, stdin, outputs);
    REAPERS.execute(child::reap);
    return child;
  }

  int pid() {
    return pid;
  }

  /** The write end of its stdin, when it has pipes. */
  Optional<OutputStream> stdin() {
    return stdin;
  }

  /** The read ends of its stdout and stderr, when it has pipes; else empty. */
  List<InputStream> outputs() {
    return outputs;
  }

  /** Completes with the exit code once reaped; a death by signal counts as 128 + the signal. */
  CompletableFuture<Integer> onExit() {
    return exit;
  }

  /** Sends {@code signal} to its process group, unless it has exited. Blocking (native call). */
  synchronized void signalGroup(int signal) {
    if (exited) {
      return;
    }
    try {
      C.kill(-pid, signal);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != PosixSpawn.ESRCH) {
        LOG.log(Level.WARNING, "could not signal process group " + pid, e);
      }
    }
  }

  /**
   * Kills its group and, as a second net, every descendant, which catches processes that moved to a
   * group of their own. Blocking.
   */
  void killTree() {
    // Listed first: once the leader dies its children are re-parented and no longer listed.
    List<ProcessHandle> descendants =
        ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
    signalGroup(SIGKILL);
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private void reap() {
    try (Memory info = new Memory(PosixSpawn.SIGINFO_BYTES)) {
      retryOnInterrupt(
          () -> C.waitid(PosixSpawn.P_PID, pid, info, PosixSpawn.WEXITED | PosixSpawn.WNOWAIT));
      markExited();
      int[] status = new int[1];
      retryOnInterrupt(() -> C.waitpid(pid, status, 0));
      exit.complete(exitCode(status[0]));
    } catch (LastErrorException e) {
      LOG.log(Level.WARNING, "could not wait for process " + pid, e);
      markExited();
      exit.complete(128 + SIGKILL);
    }
  }

  /** From now on no signal goes to the pid: it may soon be another process's. */
  private synchronized void markExited() {
    exited = true;
  }

  /** Decodes a wait status as a shell reports it. */
  private static int exitCode(int status) {
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
  }

  private static void retryOnInterrupt(NativeCall call) {
    while (true) {
      try {
        call.run();
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != Libc.EINTR) {
          throw e;
        }
      }
    }
  }

  @FunctionalInterface
  private interface NativeCall {
    void run();
  }
}
