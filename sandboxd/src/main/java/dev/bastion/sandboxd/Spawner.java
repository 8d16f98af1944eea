package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.PosixSpawn.C;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts every process sandboxd runs, on a few platform threads of its own whose credentials are
 * prepared for the agent's user ({@link ThreadIdentity}). One {@code posix_spawn} does all of it: a
 * new session ({@code POSIX_SPAWN_SETSID}, so the child leads its group and a terminal can become
 * its controlling one), an empty signal mask and default dispositions, the standard streams, the
 * working directory, every other descriptor closed, then the program — one {@code execve} and no
 * helper.
 *
 * <p>Work that prepares a spawn (checking the working directory, opening a terminal) runs in the
 * same {@link Task}, off the event loop.
 */
final class Spawner {

  private static final Logger LOG = Logger.getLogger(Spawner.class.getName());
  private static final int THREADS = 2;
  private static final byte[] DEV_NULL = cString("/dev/null");

  private final AgentUser user;
  private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private boolean started;

  /** A spawner whose threads are not started yet: tasks wait in its queue until {@link #start}. */
  Spawner(AgentUser user) {
    this.user = user;
  }

  /** Starts the threads, once. */
  synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    for (int i = 0; i < THREADS; i++) {
      startThread();
    }
  }

  /** Work for a spawner thread, which may start processes through {@code launcher}. */
  @FunctionalInterface
  interface Task<T> {
    T run(Launcher launcher) throws Exception;
  }

  /** Starts one process; only valid on the spawner thread that handed it out. */
  interface Launcher {
    Child start(ChildSpec spec, Stdio stdio) throws SpawnFailure;
  }

  /** Runs {@code task} on a spawner thread; the future fails with whatever the task threw. */
  <T> CompletableFuture<T> submit(Task<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(new Job<>(task, result));
    return result;
  }

  private void startThread() {
    Thread.ofPlatform()
        .name("spawner-" + threadNumber.getAndIncrement())
        .daemon()
        .start(this::serve);
  }

  private void serve() {
    Launcher launcher;
    try {
      ThreadIdentity identity = ThreadIdentity.prepare(user);
      launcher = (spec, stdio) -> identity.asAgent(() -> spawnOrExplain(spec, stdio));
    } catch (LastErrorException | LinkageError e) {
      // Every spawn on this thread then fails with a reason, instead of waiting for a thread that
      // died (JNA's native library missing is a LinkageError).
      LOG.log(Level.SEVERE, "a spawner thread cannot shed sandboxd's privileges", e);
      launcher =
          (spec, stdio) -> {
            throw new SpawnFailure(
                "could not start " + spec.name() + ": sandboxd cannot drop its privileges");
          };
    }
    while (true) {
      Job<?> job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        job.runWith(launcher);
      } catch (ThreadIdentity.ThreadLost lost) {
        LOG.log(Level.SEVERE, "retiring a spawner thread", lost);
        startThread();
        return;
      }
    }
  }

  /** A task and the future its result goes to. */
  private record Job<T>(Task<T> task, CompletableFuture<T> result) {
    void runWith(Launcher launcher) {
      try {
        result.complete(task.run(launcher));
      } catch (ThreadIdentity.ThreadLost lost) {
        result.completeExceptionally(new SpawnFailure("could not start the process"));
        throw lost;
      } catch (Exception | Error e) {
        result.completeExceptionally(e);
      }
    }
  }

  /**
   * Spawns {@code spec}; when the program cannot be executed, falls back to what execvp and a shell
   * would do: a script without {@code #!} runs in the shell, anything else becomes a stand-in that
   * prints why and exits 127 or 126.
   */
  private static Child spawnOrExplain(ChildSpec spec, Stdio stdio) throws SpawnFailure {
    try (Streams streams = Streams.open(stdio)) {
      int error = spawn(spec, streams);
      if (error == PosixSpawn.ENOEXEC && !spec.isShell()) {
        error = spawn(spec.asShellScript(), streams);
      }
      if (error != 0 && !spec.isShell()) {
        String reason = C.strerror(error);
        error = spawn(spec.failure(reason, error == PosixSpawn.ENOENT ? 127 : 126), streams);
      }
      if (error != 0) {
        throw new SpawnFailure("could not start " + spec.name() + ": " + C.strerror(error));
      }
      return streams.child();
    }
  }

  /** One posix_spawn; returns 0 or the error number of the step that failed in the child. */
  private static int spawn(ChildSpec spec, Streams streams) {
    try (Memory actions = new Memory(PosixSpawn.FILE_ACTIONS_BYTES);
        Memory attributes = new Memory(PosixSpawn.ATTR_BYTES);
        Memory emptyMask = new Memory(PosixSpawn.SIGSET_BYTES);
        Memory allSignals = new Memory(PosixSpawn.SIGSET_BYTES)) {
      C.posix_spawn_file_actions_init(actions);
      C.posix_spawnattr_init(attributes);
      try {
        C.sigemptyset(emptyMask);
        C.sigfillset(allSignals);
        C.posix_spawnattr_setsigmask(attributes, emptyMask);
        C.posix_spawnattr_setsigdefault(attributes, allSignals);
        C.posix_spawnattr_setflags(
            attributes,
            (short)
                (PosixSpawn.POSIX_SPAWN_SETSID
                    | PosixSpawn.POSIX_SPAWN_SETSIGMASK
                    | PosixSpawn.POSIX_SPAWN_SETSIGDEF));
        C.posix_spawn_file_actions_addchdir_np(actions, cString(spec.dir()));
        streams.addTo(actions);
        C.posix_spawn_file_actions_addclosefrom_np(actions, 3);
        IntByReference pid = new IntByReference();
        int error =
            C.posix_spawn(
                pid,
                cString(spec.program()),
                actions,
                attributes,
                strings(spec.argv()),
                strings(spec.environment()));
        if (error == 0) {
          streams.spawned(pid.getValue());
        }
        return error;
      } finally {
        C.posix_spawn_file_actions_destroy(actions);
        C.posix_spawnattr_destroy(attributes);
      }
    }
  }

  private static StringArray strings(List<String> values) {
    return new StringArray(values.toArray(String[]::new), StandardCharsets.UTF_8.name());
  }

  private static byte[] cString(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, terminated, 0, bytes.length);
    return terminated;
  }

  /**
   * The descriptors one spawn hands its child. sandboxd's ends are made close-on-exec, so another
   * spawner thread's child never inherits them either; what is left open if no child took charge is
   * closed with the streams.
   */
  private static final class Streams implements AutoCloseable {
    private final Stdio stdio;
    private final int[] stdinPipe = {-1, -1};
    private final int[] stdoutPipe = {-1, -1};
    private final int[] stderrPipe = {-1, -1};
    private Child child;

    private Streams(Stdio stdio) {
      this.stdio = stdio;
    }

    static Streams open(Stdio stdio) throws SpawnFailure {
      Streams streams = new Streams(stdio);
      if (stdio instanceof Stdio.Pipes) {
        try {
          C.pipe2(streams.stdinPipe, Libc.O_CLOEXEC);
          C.pipe2(streams.stdoutPipe, Libc.O_CLOEXEC);
          C.pipe2(streams.stderrPipe, Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
          streams.close();
          throw new SpawnFailure("could not make pipes: " + C.strerror(e.getErrorCode()));
        }
      }
      return streams;
    }

    void addTo(Memory actions) {
      switch (stdio) {
        case Stdio.Pipes p -> {
          C.posix_spawn_file_actions_adddup2(actions, stdinPipe[0], 0);
          C.posix_spawn_file_actions_adddup2(actions, stdoutPipe[1], 1);
          C.posix_spawn_file_actions_adddup2(actions, stderrPipe[1], 2);
        }
        case Stdio.Discard d -> {
          C.posix_spawn_file_actions_addopen(actions, 0, DEV_NULL, PosixSpawn.O_RDONLY, 0);
          C.posix_spawn_file_actions_addopen(actions, 1, DEV_NULL, PosixSpawn.O_WRONLY, 0);
          C.posix_spawn_file_actions_adddup2(actions, 1, 2);
        }
        case Stdio.Terminal t -> {
          // Opened without O_NOCTTY by the new session's leader: its controlling terminal.
          C.posix_spawn_file_actions_addopen(actions, 0, cString(t.slavePath()), Libc.O_RDWR, 0);
          C.posix_spawn_file_actions_adddup2(actions, 0, 1);
          C.posix_spawn_file_actions_adddup2(actions, 0, 2);
        }
      }
    }

    /** The child took its ends: sandboxd keeps the other ones as streams. */
    void spawned(int pid) {
      Optional<OutputStream> stdin = Optional.empty();
      List<InputStream> outputs = new ArrayList<>();
      if (stdio instanceof Stdio.Pipes) {
        stdin = Optional.of(FdStreams.output(take(stdinPipe, 1)));
        outputs.add(FdStreams.input(take(stdoutPipe, 0)));
        outputs.add(FdStreams.input(take(stderrPipe, 0)));
      }
      child = Child.started(pid, stdin, List.copyOf(outputs));
    }

    Child child() {
      return child;
    }

    private static int take(int[] pipe, int end) {
      int fd = pipe[end];
      pipe[end] = -1;
      return fd;
    }

    @Override
    public void close() {
      for (int[] pipe : List.of(stdinPipe, stdoutPipe, stderrPipe)) {
        Libc.closeQuietly(pipe[0]);
        Libc.closeQuietly(pipe[1]);
      }
    }
  }
}
