package dev.bastion.loadtest.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the image tools (umoci, skopeo, htpasswd) for tests; a failure shows the command and its
 * output.
 */
public final class Commands {

  private Commands() {}

  /** What a finished command printed, standard output and error together. */
  public record Output(int exitCode, String text) {}

  public static Output run(List<String> argv) {
    try {
      Path out = Files.createTempFile("image-tool", ".out");
      try {
        Process process =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", argv) + " did not end within 5 minutes");
        }
        return new Output(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Runs {@code argv} and returns its output; throws unless it exits 0. */
  public static String require(List<String> argv) {
    Output output = run(argv);
    if (output.exitCode() != 0) {
      String text = output.text();
      throw new IllegalStateException(
          String.join(" ", argv)
              + " exited "
              + output.exitCode()
              + ": "
              + text.substring(Math.max(0, text.length() - 2000)));
    }
    return output.text();
  }

  /** Whether {@code command} is on the PATH. */
  public static boolean installed(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
