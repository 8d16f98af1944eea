package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.RunResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Collects a process's output for the unary Run call. Memory is bounded by the per-stream {@link
 * OutputCap} the process was started with, so it never needs to hold the process back.
 */
final class RunCollector implements ProcessListener {

  private final long startedNanos = System.nanoTime();
  private final Promise<RunResult> result = Promise.promise();
  // Concatenation builds ropes, so appending chunks does not copy.
  private ByteString stdout = ByteString.EMPTY;
  private ByteString stderr = ByteString.EMPTY;

  Future<RunResult> result() {
    return result.future();
  }

  @Override
  public void onEvent(ExecEvent event) {
    if (event.hasStdout()) {
      stdout = stdout.concat(event.getStdout());
    } else if (event.hasStderr()) {
      stderr = stderr.concat(event.getStderr());
    }
  }

  @Override
  public void onExit(Exited exited) {
    result.complete(
        RunResult.newBuilder()
            .setExitCode(exited.getExitCode())
            .setSignal(exited.getSignal())
            .setTimedOut(exited.getTimedOut())
            .setOomKilled(exited.getOomKilled())
            .setTruncated(exited.getTruncated())
            .setStdout(stdout)
            .setStderr(stderr)
            .setDurationMs((System.nanoTime() - startedNanos) / 1_000_000)
            .build());
  }

  @Override
  public boolean isBackedUp() {
    return false;
  }

  @Override
  public void whenDrained(Runnable action) {
    // Never backed up, so never drained.
  }

  @Override
  public boolean isClosed() {
    return false;
  }
}
