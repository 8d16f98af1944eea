package dev.bastion.controller.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one of the image tools (skopeo, umoci, tar) and hands back what it printed. Only the last
 * lines are kept, so a tool that prints without end holds a bounded amount of memory.
 */
final class ImageTool {

  private static final int KEPT_LINES = 20;
  private static final int MAX_LINE_CHARS = 1000;

  /** What a finished tool printed (standard output and error together) and how it ended. */
  record Result(int exitCode, List<String> lastLines) {
    boolean ok() {
      return exitCode == 0;
    }

    String output() {
      return String.join("\n", lastLines);
    }

    /** The tool's last line, or how it ended when it printed nothing. */
    String lastLine() {
      return lastLines.isEmpty() ? "exit " + exitCode : lastLines.getLast();
    }
  }

  private ImageTool() {}

  /**
   * Runs {@code argv}, passing each line it prints to {@code lines} as it comes, and stops it when
   * {@code guard} says it wrote too much.
   *
   * @throws ImageFailure saying so when the guard stopped it
   */
  static Result run(List<String> argv, DiskGuard guard, Consumer<String> lines) {
    Process process;
    try {
      process =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
    } catch (IOException e) {
      throw new ImageFailure(argv.get(0) + " is not installed: apt-get install " + argv.get(0));
    }
    java.util.concurrent.atomic.AtomicReference<String> stopped = guard.watch(process);
    Deque<String> tail = new ArrayDeque<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line;
        lines.accept(kept);
        tail.addLast(kept);
        if (tail.size() > KEPT_LINES) {
          tail.removeFirst();
        }
      }
      int code = process.waitFor();
      if (stopped.get() != null) {
        throw new ImageFailure(stopped.get());
      }
      return new Result(code, List.copyOf(tail));
    } catch (IOException e) {
      process.destroyForcibly();
      throw new ImageFailure("lost the output of " + argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ImageFailure("interrupted while " + argv.get(0) + " ran");
    }
  }
}
