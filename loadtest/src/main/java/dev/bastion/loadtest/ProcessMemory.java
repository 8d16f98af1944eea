package dev.bastion.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Resident memory of host processes, from /proc. */
final class ProcessMemory {

  private ProcessMemory() {}

  /** VmRSS of the process in KiB. */
  static long rssKiB(long pid) {
    return status(pid, "VmRSS:");
  }

  /** How many threads the process has. */
  static long threads(long pid) {
    return status(pid, "Threads:");
  }

  /** The number on the {@code field} line of /proc/PID/status. */
  private static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the status of pid " + pid, e);
    }
    throw new IllegalStateException("pid " + pid + " has no " + field + " (a kernel thread?)");
  }

  /** Every host process with its command line (arguments joined by spaces). */
  static List<HostProcess> all() {
    List<HostProcess> processes = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          byte[] raw = Files.readAllBytes(entry.resolve("cmdline"));
          String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
          processes.add(new HostProcess(Long.parseLong(name), cmdline));
        } catch (IOException e) {
          // The process exited while we listed /proc: it is not one we are looking for.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return processes;
  }

  record HostProcess(long pid, String cmdline) {
    String program() {
      int space = cmdline.indexOf(' ');
      return space < 0 ? cmdline : cmdline.substring(0, space);
    }
  }
}
