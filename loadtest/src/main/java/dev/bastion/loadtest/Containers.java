package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The runsc containers of a state directory, as runsc itself sees them. */
final class Containers {

  private Containers() {}

  /** Container ids under {@code stateDir/gvisor}, the runtime root the gateway gives runsc. */
  static List<String> list(Path stateDir) throws IOException, InterruptedException {
    if (!Files.isDirectory(stateDir.resolve("gvisor"))) {
      return List.of(); // runsc never ran here
    }
    return runsc(stateDir, "list", "-quiet").lines().filter(line -> !line.isBlank()).toList();
  }

  /**
   * Force-deletes the containers a benchmark left under {@code stateDir} and records them in the
   * report as {@code leaked_containers}; returns whether there were any (an error: every benchmark
   * deletes what it made).
   */
  static boolean removeLeaked(Path stateDir, Report report)
      throws IOException, InterruptedException {
    List<String> leaked = list(stateDir);
    for (String id : leaked) {
      forceDelete(stateDir, id);
    }
    report.put("leaked_containers", new JsonArray(leaked));
    return !leaked.isEmpty();
  }

  static void forceDelete(Path stateDir, String id) throws IOException, InterruptedException {
    runsc(stateDir, "delete", "-force", id);
  }

  private static String runsc(Path stateDir, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("runsc", "--root", stateDir.resolve("gvisor").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
