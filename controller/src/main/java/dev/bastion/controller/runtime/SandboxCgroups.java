package dev.bastion.controller.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A sandbox's cgroups, as the host sees them: why the sandbox stopped, from the counters they keep
 * (read them before the container is removed, which removes them), and removing what a container
 * killed outside its runtime leaves behind.
 */
public final class SandboxCgroups {

  private final Path cgroupRoot;

  public SandboxCgroups(Path cgroupRoot) {
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

  /**
   * Removes the sandbox's cgroup directories that are left, in every hierarchy. The runtime removes
   * them itself when it deletes a container; they stay when the container's processes were killed
   * behind its back. A cgroup that still has tasks is not removable and stays.
   */
  public void release(String id) {
    for (Path dir : inEveryHierarchy(OciBundle.cgroupPath(id).substring(1))) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException stillInUseOrNotACgroup) {
        // Nothing to release here.
      }
    }
  }

  /** The ids of every sandbox that has a cgroup directory in some hierarchy. */
  public Set<String> ids() {
    Set<String> ids = new TreeSet<>();
    for (Path sandboxes : inEveryHierarchy(OciBundle.cgroupPath("").substring(1))) {
      if (Files.isDirectory(sandboxes)) {
        try (Stream<Path> children = Files.list(sandboxes)) {
          children.filter(Files::isDirectory).forEach(c -> ids.add(c.getFileName().toString()));
        } catch (IOException e) {
          // Gone meanwhile: it holds no sandbox.
        }
      }
    }
    return ids;
  }

  /**
   * {@code relative} below each cgroup v1 hierarchy (one per controller) and below the root itself
   * (the unified v2 hierarchy).
   */
  private List<Path> inEveryHierarchy(String relative) {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> hierarchies = Files.list(cgroupRoot)) {
      hierarchies.forEach(h -> dirs.add(h.resolve(relative)));
    } catch (IOException e) {
      // No cgroup filesystem: only the root is left to look at.
    }
    dirs.add(cgroupRoot.resolve(relative));
    return dirs;
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
