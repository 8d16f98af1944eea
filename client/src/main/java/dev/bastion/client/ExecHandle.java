package dev.bastion.client;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecRequest;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A process started with {@link Sandbox#exec(ExecOptions)}: write to its standard input, signal it,
 * follow its events and wait for its end. Closing the handle ends the call, which kills the process
 * if it still runs (unless it was started with a tag).
 *
 * <p>Its output reaches the {@link ExecOptions} callbacks, or else the subscriber of {@link
 * #events()}, for whom they are held until it subscribes. Output nobody takes holds back the
 * process, as a pipe nobody reads holds back its writer: a process that writes much needs a reader
 * to end.
 */
public final class ExecHandle implements AutoCloseable {

  private final ExecStream stream;
  private final int pid;
  private final ExecOptions options;
  private final CompletionStage<ExecEvent.Exited> exit;

  ExecHandle(ExecStream stream, int pid, ExecOptions options) {
    this.stream = stream;
    this.pid = pid;
    this.options = options;
    // Completed on the events' own serial executor: after every callback of the process's output.
    this.exit = Handoff.async(stream.exited(), stream.signals());
  }

  /** The process's id inside the sandbox. */
  public int pid() {
    return pid;
  }

  /** Writes {@code data} to the process's standard input; returns once it is on its way. */
  public void write(byte[] data) {
    send(
        ExecRequest.newBuilder().setStdin(ByteString.copyFrom(Objects.requireNonNull(data))),
        "ExecHandle.write");
  }

  /** {@link #write(byte[])} with {@code text} in UTF-8. */
  public void write(String text) {
    write(Objects.requireNonNull(text).getBytes(StandardCharsets.UTF_8));
  }

  /** Closes the process's standard input: it reads end of file. */
  public void closeStdin() {
    send(ExecRequest.newBuilder().setEof(true), "ExecHandle.closeStdin");
  }

  /** Sends {@code signal} (e.g. 15 for SIGTERM, 9 for SIGKILL) to the process's group. */
  public void signal(int signal) {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("no such signal: " + signal);
    }
    Handoff.await(
        "ExecHandle.signal", () -> stream.send(ExecRequest.newBuilder().setSignal(signal).build()));
  }

  /**
   * The process's events from its start, for one subscriber, signalled on the SDK's executor.
   *
   * @throws IllegalStateException when its {@link ExecOptions} have callbacks, which take the
   *     events
   */
  public Flow.Publisher<ExecEvent> events() {
    if (options.hasCallbacks()) {
      throw new IllegalStateException(
          "this exec delivers its events to the callbacks of its ExecOptions");
    }
    return stream.events();
  }

  /**
   * Completes when the process ended (after the callbacks for all its output ran), or fails with a
   * {@link BastionException} if the call broke first.
   */
  public CompletionStage<ExecEvent.Exited> exit() {
    return exit;
  }

  /** {@link #exit()}'s exit code. */
  public CompletionStage<Integer> exitCode() {
    return exit.thenApply(ExecEvent.Exited::exitCode);
  }

  /** Waits until the process ended; the blocking form of {@link #exit()}. */
  public ExecEvent.Exited waitFor() {
    return Handoff.await("ExecHandle.waitFor", () -> Future.fromCompletionStage(exit));
  }

  /** Ends the call if the process still runs, which kills it unless it was started with a tag. */
  @Override
  public void close() {
    if (!stream.exited().isComplete()) {
      stream.cancel();
    }
  }

  private void send(ExecRequest.Builder message, String what) {
    if (!options.stdinOpen()) {
      throw new IllegalStateException(
          what + ": the process was started without stdin; use ExecOptions.openStdin()");
    }
    Handoff.await(what, () -> stream.send(message.build()));
  }
}
