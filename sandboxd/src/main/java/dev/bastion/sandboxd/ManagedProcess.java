package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ProcessInfo;
import dev.bastion.api.v1.Started;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One child process and the clients that watch it.
 *
 * <p>Each output pipe is read on its own platform thread in chunks of at most 32 KiB; chunks are
 * handed to the event loop, which owns all other state: the replay buffer, the listeners and the
 * exit. The process counts as exited once it has been reaped and both pipes reached EOF, so the
 * {@code exited} event is always the last one. A background child that keeps the pipes open thus
 * keeps the call open too, until it exits or the timeout kills the whole group.
 */
final class ManagedProcess {

  private static final int CHUNK_BYTES = 32 * 1024;
  private static final int CHUNKS_IN_FLIGHT = 4;
  private static final int MAX_SIGNAL = 64;

  /**
   * Threads for blocking on the process: pipe reads and writes, kills. Platform threads, not
   * virtual ones: a read on a pipe pins a virtual thread's carrier for as long as the process keeps
   * the pipe open, and once the scheduler retired the carriers it had added to make up for that
   * (after a minute or so of quiet) a long-running process left no carrier for the next process's
   * readers, whose output then never arrived.
   */
  private static final ExecutorService BLOCKING =
      Executors.newCachedThreadPool(Thread.ofPlatform().name("process-io-", 0).daemon().factory());

  private final Process process;
  private final String tag;
  private final List<String> argv;
  private final long startedAtMs = System.currentTimeMillis();
  private final Context context;
  private final OutputCap cap;
  private final ReplayBuffer replay;
  private final ProcessGroupKiller killer;
  private final OutputGate gate = new OutputGate(CHUNKS_IN_FLIGHT);
  private final Promise<Exited> exit = Promise.promise();
  private final List<ProcessListener> watchers = new ArrayList<>();
  private ProcessListener owner;
  private boolean timedOut;
  private long timeoutTimer = -1;

  ManagedProcess(
      Process process,
      String tag,
      List<String> argv,
      OutputCap cap,
      ReplayBuffer replay,
      ProcessGroupKiller killer,
      Context context) {
    this.process = process;
    this.tag = tag;
    this.argv = argv;
    this.cap = cap;
    this.replay = replay;
    this.killer = killer;
    this.context = context;
  }

  int pid() {
    return (int) process.pid();
  }

  String tag() {
    return tag;
  }

  Future<Exited> exitFuture() {
    return exit.future();
  }

  boolean running() {
    return !exit.future().isComplete();
  }

  /**
   * Sends {@code started} to {@code owner}, then starts pumping output to it and arms the timeout.
   * Must run on the event loop before any output can be delivered.
   */
  void start(ProcessListener owner, long timeoutSeconds, boolean keepStdinOpen) {
    this.owner = owner;
    owner.whenDrained(gate::drained);
    owner.onEvent(startedEvent());
    if (!keepStdinOpen) {
      closeStdin();
    }
    Promise<Void> stdoutDone = Promise.promise();
    Promise<Void> stderrDone = Promise.promise();
    Promise<Integer> reaped = Promise.promise();
    BLOCKING.execute(() -> pump(process.getInputStream(), false, stdoutDone));
    BLOCKING.execute(() -> pump(process.getErrorStream(), true, stderrDone));
    // onExit waits for the child, so it never lingers as a zombie.
    process.onExit().thenRun(() -> context.runOnContext(v -> reaped.complete(process.exitValue())));
    timeoutTimer =
        context
            .owner()
            .setTimer(
                timeoutSeconds * 1000,
                id -> {
                  timedOut = true;
                  kill();
                });
    Future.all(stdoutDone.future(), stderrDone.future(), reaped.future())
        .onComplete(done -> finish(reaped.future().result()));
  }

  /** Attaches a Connect client: replays what is buffered, then streams live events. */
  void attach(ProcessListener watcher) {
    watcher.onEvent(startedEvent());
    replay.snapshot().forEach(watcher::onEvent);
    if (exit.future().isComplete()) {
      watcher.onExit(exit.future().result());
    } else {
      watchers.add(watcher);
    }
  }

  /** Stops sending events to {@code listener}, whose client went away. */
  void detach(ProcessListener listener) {
    if (listener == owner) {
      owner = null;
      // Nobody gates the output any more: let the readers run freely into the replay buffer.
      gate.drained();
    } else {
      watchers.remove(listener);
    }
  }

  /** Kills the process and its whole group. */
  void kill() {
    if (running()) {
      BLOCKING.execute(() -> killer.kill(process.toHandle()));
    }
  }

  /** Sends {@code signal} (1..64) to the process group; completes once it was sent. */
  Future<Void> signal(int signal) {
    if (signal < 1 || signal > MAX_SIGNAL || !running()) {
      return Future.succeededFuture();
    }
    return offLoop(() -> killer.signal(process.toHandle(), signal));
  }

  /**
   * Writes to the process's stdin; completes once written. A process that closed its stdin or
   * exited simply loses the bytes, as it would in a shell pipeline.
   */
  Future<Void> writeStdin(ByteString data) {
    return offLoop(
        () -> {
          try {
            OutputStream stdin = process.getOutputStream();
            data.writeTo(stdin);
            stdin.flush();
          } catch (IOException e) {
            // The reader went away; nothing to deliver to.
          }
        });
  }

  /** Closes the process's stdin, so it sees EOF. */
  Future<Void> closeStdin() {
    return offLoop(
        () -> {
          try {
            process.getOutputStream().close();
          } catch (IOException e) {
            // Already closed or broken: the process sees EOF either way.
          }
        });
  }

  ProcessInfo info() {
    ProcessInfo.Builder info =
        ProcessInfo.newBuilder()
            .setPid(pid())
            .setTag(tag)
            .addAllArgv(argv)
            .setRunning(running())
            .setStartedAtMs(startedAtMs);
    if (!running()) {
      info.setExitCode(exit.future().result().getExitCode());
    }
    return info.build();
  }

  private ExecEvent startedEvent() {
    return ExecEvent.newBuilder().setStarted(Started.newBuilder().setPid(pid())).build();
  }

  /** Reader thread: copies one pipe to the event loop until EOF. */
  private void pump(InputStream pipe, boolean stderr, Promise<Void> done) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try (pipe) {
      int n;
      while ((n = pipe.read(buffer)) >= 0) {
        int kept = cap.admit(stderr, n);
        if (kept == 0) {
          continue;
        }
        ByteString data = ByteString.copyFrom(buffer, 0, kept);
        ExecEvent event =
            stderr
                ? ExecEvent.newBuilder().setStderr(data).build()
                : ExecEvent.newBuilder().setStdout(data).build();
        gate.acquire();
        context.runOnContext(v -> deliver(event));
      }
    } catch (IOException e) {
      // The pipe broke: the process and everything holding the pipe are gone.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    context.runOnContext(v -> done.complete());
  }

  private void deliver(ExecEvent event) {
    replay.add(event);
    boolean ownerFull = false;
    if (owner != null) {
      owner.onEvent(event);
      ownerFull = owner.isBackedUp();
    }
    watchers.removeIf(ProcessListener::isClosed);
    watchers.forEach(w -> w.onEvent(event));
    gate.delivered(ownerFull);
  }

  private void finish(int exitCode) {
    context.owner().cancelTimer(timeoutTimer);
    // Java reports a death by signal as 128 + signal, like a shell; an exit(130) looks the same.
    int signal = exitCode > 128 && exitCode <= 128 + MAX_SIGNAL ? exitCode - 128 : 0;
    Exited exited =
        Exited.newBuilder()
            .setExitCode(exitCode)
            .setSignal(signal)
            .setTimedOut(timedOut)
            .setTruncated(cap.truncated())
            .build();
    if (owner != null) {
      owner.onExit(exited);
      owner = null;
    }
    watchers.forEach(w -> w.onExit(exited));
    watchers.clear();
    exit.complete(exited);
  }

  private Future<Void> offLoop(Runnable blocking) {
    Promise<Void> done = Promise.promise();
    BLOCKING.execute(
        () -> {
          blocking.run();
          context.runOnContext(v -> done.complete());
        });
    return done.future();
  }
}
