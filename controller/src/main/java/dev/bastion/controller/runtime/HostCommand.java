package dev.bastion.controller.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command to completion. Blocking: call it from a worker thread, never from an
 * event loop.
 */
public final class HostCommand {

  /** What a finished command left behind. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The last line of output, for error messages that should stay one line. */
    public String lastLine() {
      String trimmed = output.strip();
      int nl = trimmed.lastIndexOf('\n');
      return nl < 0 ? trimmed : trimmed.substring(nl + 1);
    }
  }

  private static final int TAIL_BYTES = 4096;

  private HostCommand() {}

  /** Runs {@code argv} with stdout and stderr merged; kills it after {@code timeout}. */
  public static Result run(List<String> argv, Duration timeout) {
    Path output = null;
    try {
      output = Files.createTempFile("bastion-command", ".out");
      int code = execute(argv, timeout, output);
      return new Result(code, Files.readString(output, StandardCharsets.UTF_8));
    } catch (NotRun notRun) {
      return notRun.result;
    } catch (IOException e) {
      return new Result(127, argv.get(0) + ": " + e.getMessage());
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  /**
   * Runs {@code argv} with its output appended to {@code log}, which must be a regular file or
   * absent (a link there is refused, not followed). The result's output is the log's last line, for
   * error messages, read from at most its last {@value #TAIL_BYTES} bytes: a sandbox's container
   * writes to the same file, so its size is not the host's to trust.
   */
  public static Result runLogged(List<String> argv, Duration timeout, Path log) {
    AppendedLog appended = new AppendedLog(log);
    try {
      appended.prepare();
      int code = execute(argv, timeout, log);
      String tail = appended.tail(TAIL_BYTES).strip();
      return new Result(code, tail.substring(tail.lastIndexOf('\n') + 1));
    } catch (NotRun notRun) {
      return notRun.result;
    } catch (IOException e) {
      return new Result(127, argv.get(0) + ": " + e.getMessage());
    }
  }

  /** The command did not run to its end: it could not start, or it timed out. */
  private static final class NotRun extends Exception {
    final Result result;

    NotRun(int code, String message) {
      super(message, null, false, false);
      this.result = new Result(code, message);
    }
  }

  /**
   * Output goes to a file, never a pipe: a command may leave processes behind that hold its stdout
   * (a detached container does), and a pipe would then never reach end-of-file.
   */
  private static int execute(List<String> argv, Duration timeout, Path output) throws NotRun {
    try {
      Process process =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new NotRun(124, argv.get(0) + " timed out after " + timeout.toSeconds() + "s");
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new NotRun(127, argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotRun(124, argv.get(0) + " interrupted");
    }
  }
}
