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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One child process and the clients that watch it.
 *
 * <p>Each output (stdout and stderr pipes, or a pseudo-terminal's master) is read on its own
 * platform thread in chunks of at most 32 KiB; chunks are handed to the event loop, which owns all
 * other state: the replay buffer, the listeners and the exit. The process counts as exited once it
 * has been reaped and every output ended, so the {@code exited} event is always the last one. A
 * background child that keeps the pipes open thus keeps the call open too, until it exits or the
 * timeout kills the whole group; a terminal ends as {@link PseudoTerminal} describes.
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

  private final Child process;
  private final ProcessIo io;
  private final String tag;
  private final List<String> argv;
  private final long startedAtMs = System.currentTimeMillis();
  private final Context context;
  private final OutputCap cap;
  private final ReplayBuffer replay;
  private final OutputGate gate = new OutputGate(CHUNKS_IN_FLIGHT);
  private final Promise<Exited> exit = Promise.promise();
  private final List<ProcessListener> watchers = new ArrayList<>();
  private ProcessListener owner;
  private boolean timedOut;
  private long timeoutTimer = -1;

  ManagedProcess(
      Child process,
      ProcessIo io,
      String tag,
      List<String> argv,
      OutputCap cap,
      ReplayBuffer replay,
      Context context) {
    this.process = process;
    this.io = io;
    this.tag = tag;
    this.argv = argv;
    this.cap = cap;
    this.replay = replay;
    this.context = context;
  }

  int pid() {
    return process.pid();
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
    List<Future<Void>> outputsDone = new ArrayList<>();
    for (ProcessIo.Output output : io.outputs()) {
      Promise<Void> done = Promise.promise();
      outputsDone.add(done.future());
      BLOCKING.execute(() -> pump(output, done));
    }
    Promise<Integer> reaped = Promise.promise();
    process
        .onExit()
        .thenAccept(
            exitCode -> {
              io.processExited();
              context.runOnContext(v -> reaped.complete(exitCode));
            });
    timeoutTimer =
        context
            .owner()
            .setTimer(
                timeoutSeconds * 1000,
                id -> {
                  timedOut = true;
                  kill();
                });
    List<Future<?>> all = new ArrayList<>(outputsDone);
    all.add(reaped.future());
    Future.all(all).onComplete(done -> finish(reaped.future().result()));
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
      BLOCKING.execute(process::killTree);
    }
  }

  /** Sends {@code signal} (1..64) to the process group; completes once it was sent. */
  Future<Void> signal(int signal) {
    if (signal < 1 || signal > MAX_SIGNAL || !running()) {
      return Future.succeededFuture();
    }
    return offLoop(() -> process.signalGroup(signal));
  }

  /**
   * Writes to the process's stdin (or terminal); completes once written. A process that closed its
   * stdin or exited simply loses the bytes, as it would in a shell pipeline.
   */
  Future<Void> writeStdin(ByteString data) {
    return offLoopIo(() -> io.write(data));
  }

  /**
   * Ends the process's input: closes its stdin, or types the end-of-file character on its terminal.
   */
  Future<Void> closeStdin() {
    return offLoopIo(io::endInput);
  }

  /** Resizes the process's terminal; a process without one is left alone. */
  Future<Void> resize(TerminalSize size) {
    return offLoopIo(() -> io.resize(size));
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

  /** Reader thread: copies one output to the event loop until it ends. */
  private void pump(ProcessIo.Output output, Promise<Void> done) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try (var stream = output.stream()) {
      int n;
      while ((n = stream.read(buffer)) >= 0) {
        int kept = cap.admit(output.kind() == OutputKind.STDERR, n);
        if (kept == 0) {
          continue;
        }
        ExecEvent event = output.kind().event(ByteString.copyFrom(buffer, 0, kept));
        gate.acquire();
        context.runOnContext(v -> deliver(event));
      }
    } catch (IOException e) {
      // The output broke: the process and everything holding it are gone.
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
    BLOCKING.execute(io::close);
    // A death by signal counts as 128 + signal, as in a shell; an exit(130) looks the same.
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

  /** Runs a stream operation off the loop; a failure means the process can no longer receive. */
  private Future<Void> offLoopIo(StreamOperation operation) {
    return offLoop(
        () -> {
          try {
            operation.run();
          } catch (IOException e) {
            // The reader went away or the stream is already closed: nothing to deliver to.
          }
        });
  }

  @FunctionalInterface
  private interface StreamOperation {
    void run() throws IOException;
  }
}
