package dev.bastion.client;

import java.time.Duration;

/**
 * How a command run with {@link Sandbox#run(RunOptions)} ended, with its whole output (up to the
 * output cap of each stream).
 */
public final class RunResult {

  private final dev.bastion.api.v1.RunResult result;

  RunResult(dev.bastion.api.v1.RunResult result) {
    this.result = result;
  }

  /** The exit code; 128 + the signal when a signal ended the command. */
  public int exitCode() {
    return result.getExitCode();
  }

  /** Whether the command exited by itself with 0. */
  public boolean succeeded() {
    return exitCode() == 0 && !timedOut() && signal() == 0;
  }

  /** Standard output decoded as UTF-8. */
  public String stdout() {
    return result.getStdout().toStringUtf8();
  }

  /** Standard error decoded as UTF-8. */
  public String stderr() {
    return result.getStderr().toStringUtf8();
  }

  public byte[] stdoutBytes() {
    return result.getStdout().toByteArray();
  }

  public byte[] stderrBytes() {
    return result.getStderr().toByteArray();
  }

  /** Whether the command was killed for running past its timeout. */
  public boolean timedOut() {
    return result.getTimedOut();
  }

  /** Whether stdout or stderr exceeded the output cap and was cut. */
  public boolean truncated() {
    return result.getTruncated();
  }

  /** The signal that ended the command, 0 when it exited by itself. */
  public int signal() {
    return result.getSignal();
  }

  /** Whether the sandbox ran out of memory. */
  public boolean oomKilled() {
    return result.getOomKilled();
  }

  /** How long the command ran. */
  public Duration duration() {
    return Duration.ofMillis(result.getDurationMs());
  }

  @Override
  public String toString() {
    return "RunResult[exitCode="
        + exitCode()
        + ", stdout="
        + result.getStdout().size()
        + " bytes, stderr="
        + result.getStderr().size()
        + " bytes, timedOut="
        + timedOut()
        + ", truncated="
        + truncated()
        + ", duration="
        + duration()
        + "]";
  }
}
