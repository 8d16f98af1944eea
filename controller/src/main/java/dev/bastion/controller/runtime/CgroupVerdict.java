package dev.bastion.controller.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Explains why a sandbox stopped, from the counters its cgroups keep. It must be read before the
 * container is removed, because removing it removes its cgroups.
 */
public final class CgroupVerdict {

  private final Path cgroupRoot;

  public CgroupVerdict(Path cgroupRoot) {
    this.cgroupRoot = cgroupRoot;
  }

  /** Which limit stopped the sandbox, if one did. */
  public enum Cause {
    OUT_OF_MEMORY,
    PROCESS_LIMIT
  }

  /** The limit that stopped sandbox {@code id}, or empty when no limit was hit. */
  public Optional<Cause> causeOf(String id) {
    String cgroup = OciBundle.cgroupPath(id).substring(1);
    // cgroup v1 keeps one hierarchy per controller; on v2 both files live in one directory.
    if (counter(
                cgroupRoot.resolve("memory").resolve(cgroup).resolve("memory.oom_control"),
                "oom_kill")
            > 0
        || counter(cgroupRoot.resolve(cgroup).resolve("memory.events"), "oom_kill") > 0) {
      return Optional.of(Cause.OUT_OF_MEMORY);
    }
    if (counter(cgroupRoot.resolve("pids").resolve(cgroup).resolve("pids.events"), "max") > 0
        || counter(cgroupRoot.resolve(cgroup).resolve("pids.events"), "max") > 0) {
      return Optional.of(Cause.PROCESS_LIMIT);
    }
    return Optional.empty();
  }

  /** The value of {@code key} in a flat-keyed cgroup file, 0 when the file or key is missing. */
  static long counter(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2 && parts[0].equals(key)) {
          return Long.parseLong(parts[1]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // A missing or unreadable counter means the kernel did not record the event.
    }
    return 0;
  }
}
