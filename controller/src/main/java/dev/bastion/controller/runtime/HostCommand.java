package dev.bastion.controller.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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

  private HostCommand() {}

  /**
   * Runs {@code argv} with its output appended to {@code log} instead of a pipe. For commands that
   * leave processes behind holding their stdout (a detached container): a pipe would never reach
   * end-of-file. The result's output is the log's last line, for error messages.
   */
  public static Result runLogged(List<String> argv, Duration timeout, Path log) {
    try {
      Process process =
          builder(argv).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(124, argv.get(0) + " timed out after " + timeout.toSeconds() + "s");
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return new Result(process.exitValue(), lines.isEmpty() ? "" : lines.get(lines.size() - 1));
    } catch (IOException e) {
      return new Result(127, argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, argv.get(0) + " interrupted");
    }
  }

  private static ProcessBuilder builder(List<String> argv) {
    return new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
  }

  /** Runs {@code argv} with stdout and stderr merged; kills it after {@code timeout}. */
  public static Result run(List<String> argv, Duration timeout) {
    Process process;
    try {
      process = builder(argv).start();
    } catch (IOException e) {
      return new Result(127, argv.get(0) + ": " + e.getMessage());
    }
    try (InputStream out = process.getInputStream()) {
      // Commands here print little; reading before waiting avoids a full-pipe deadlock.
      byte[] bytes = out.readNBytes(1 << 20);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(124, argv.get(0) + " timed out after " + timeout.toSeconds() + "s");
      }
      return new Result(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      process.destroyForcibly();
      return new Result(1, argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Result(130, argv.get(0) + " interrupted");
    }
  }
}
