package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** What a reader needs to judge the numbers: the machine and the software under test. */
final class MachineFacts {

  private MachineFacts() {}

  static JsonObject collect() throws IOException, InterruptedException {
    return new JsonObject()
        .put("date", Instant.now().toString())
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("memory_kib", memTotalKiB())
        .put("os", osName())
        .put("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim())
        .put("java", System.getProperty("java.vm.name") + " " + Runtime.version())
        .put("runsc", firstLineOf("runsc", "--version"));
  }

  private static long memTotalKiB() throws IOException {
    return Files.readAllLines(Path.of("/proc/meminfo")).stream()
        .filter(line -> line.startsWith("MemTotal:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
        .findFirst()
        .orElseThrow();
  }

  private static String osName() throws IOException {
    return Files.readAllLines(Path.of("/etc/os-release")).stream()
        .filter(line -> line.startsWith("PRETTY_NAME="))
        .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", ""))
        .findFirst()
        .orElse("unknown");
  }

  private static String firstLineOf(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    process.waitFor(10, TimeUnit.SECONDS);
    return output.lines().findFirst().orElse("unknown");
  }
}
