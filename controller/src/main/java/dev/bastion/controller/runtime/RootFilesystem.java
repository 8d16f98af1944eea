package dev.bastion.controller.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The sandbox root filesystem: Debian 13 minbase with python3, what agents' code imports most
 * (numpy, pandas, matplotlib on its Agg backend, scipy, ipykernel), git, Node.js, and a Java
 * runtime for sandboxd, built once with debootstrap into a cache directory outside the repository
 * and reused after. The Kubernetes sandbox image is made from the same recipe, so both modes run
 * the same sandbox.
 */
public final class RootFilesystem {

  /**
   * Bump when the recipe changes, so caches built from an older recipe are not reused (nor
   * container base images imported from one).
   */
  public static final String RECIPE = "trixie-python-v2";

  static final String SUITE = "trixie";
  static final List<String> PACKAGES =
      List.of(
          "python3",
          "python3-numpy",
          "python3-pandas",
          "python3-matplotlib",
          "python3-scipy",
          "python3-ipykernel",
          // python3-zmq (under ipykernel) needs a virtual package only this one provides, and
          // debootstrap's resolver does not follow virtual packages.
          "python3-cffi-backend",
          "git",
          "nodejs",
          "openjdk-21-jre-headless",
          "tini",
          "util-linux",
          "ca-certificates");

  private static final String READY_MARKER = ".bastion-rootfs-ready";

  private final Path cacheDir;
  private final String mirror;

  /**
   * @param cacheDir where root filesystems are kept, e.g. ~/.cache/bastion
   * @param mirror the Debian mirror debootstrap downloads from
   */
  public RootFilesystem(Path cacheDir, String mirror) {
    this.cacheDir = cacheDir;
    this.mirror = mirror;
  }

  /** Where the finished root filesystem lives (it may not exist yet). */
  public Path path() {
    return cacheDir.resolve("rootfs").resolve(RECIPE);
  }

  public boolean isReady() {
    return Files.exists(path().resolve(READY_MARKER));
  }

  /**
   * Builds the root filesystem unless a finished one is cached. Blocking (about a minute the first
   * time); {@code progress} receives one line per step. The result appears atomically: a build that
   * is interrupted leaves nothing that looks finished.
   */
  public Path ensure(Consumer<String> progress) {
    if (isReady()) {
      return path();
    }
    requireDebootstrap();
    Path building = cacheDir.resolve("rootfs").resolve(RECIPE + ".building");
    try {
      FileTrees.delete(building);
      Files.createDirectories(building.getParent());
      progress.accept(
          "building the sandbox root filesystem (Debian "
              + SUITE
              + " with "
              + String.join(", ", PACKAGES)
              + ") from "
              + mirror
              + "; this takes about two minutes once");
      debootstrap(building, progress);
      customize(building);
      Files.writeString(building.resolve(READY_MARKER), RECIPE + "\n");
      FileTrees.delete(path());
      Files.move(building, path(), StandardCopyOption.ATOMIC_MOVE);
      progress.accept("sandbox root filesystem ready at " + path());
      return path();
    } catch (IOException e) {
      throw new RuntimeFailure("could not build the sandbox root filesystem: " + e.getMessage());
    }
  }

  private static void requireDebootstrap() {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, "debootstrap"))) {
        return;
      }
    }
    throw new RuntimeFailure(
        "debootstrap is not installed: install it (apt-get install debootstrap) and start again");
  }

  private void debootstrap(Path target, Consumer<String> progress) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.addAll(
        List.of(
            "debootstrap",
            "--variant=minbase",
            "--include=" + String.join(",", PACKAGES),
            SUITE,
            target.toString(),
            mirror));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    List<String> tail = new ArrayList<>();
    String phase = "";
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        // debootstrap prints "I: <Verb> <package>..." per package; show each verb once.
        if (line.startsWith("I: ")) {
          String verb = line.substring(3).split(" ", 2)[0];
          if (!verb.equals(phase)) {
            phase = verb;
            progress.accept("  " + line.substring(3));
          }
        }
        tail.add(line);
        if (tail.size() > 5) {
          tail.remove(0);
        }
      }
      int code = process.waitFor();
      if (code != 0) {
        String reason =
            tail.stream()
                .filter(l -> l.startsWith("E: "))
                .reduce((x, y) -> y)
                .orElse("exit " + code);
        throw new RuntimeFailure(
            "debootstrap could not build the sandbox root filesystem from "
                + mirror
                + " ("
                + reason
                + "): check that the mirror is reachable, or pass --mirror URL");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuntimeFailure("interrupted while building the root filesystem");
    }
  }

  /** Adds the sandbox user, the mount points a read-only root needs, and drops the apt cache. */
  static void customize(Path root) throws IOException {
    int uid = SandboxPaths.SANDBOX_UID;
    int gid = SandboxPaths.SANDBOX_GID;
    append(
        root.resolve("etc/passwd"), "sandbox:x:" + uid + ":" + gid + ":sandbox:/workspace:/bin/sh");
    append(root.resolve("etc/group"), "sandbox:x:" + gid + ":");
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    // No display in a sandbox: plots are rendered to files, whatever backend a script asks for.
    Files.writeString(root.resolve("etc/matplotlibrc"), "backend: Agg\n");
    for (String dir :
        List.of(SandboxPaths.WORKSPACE, SandboxPaths.SOCKET_DIR, SandboxPaths.SANDBOXD_DIR)) {
      Files.createDirectories(root.resolve(dir.substring(1)));
    }
    // The jar is bind-mounted onto a file, so the mount point must be a file.
    Path jarMountPoint = root.resolve(SandboxPaths.SANDBOXD_JAR.substring(1));
    if (!Files.exists(jarMountPoint)) {
      Files.createFile(jarMountPoint);
    }
    FileTrees.delete(root.resolve("var/cache/apt/archives"));
    Files.createDirectories(root.resolve("var/cache/apt/archives/partial"));
    try (Stream<Path> lists = Files.list(root.resolve("var/lib/apt/lists"))) {
      for (Path list : lists.toList()) {
        if (Files.isRegularFile(list)) {
          Files.delete(list);
        }
      }
    }
  }

  private static void append(Path file, String line) throws IOException {
    String content = Files.readString(file);
    if (!content.contains("\n" + line.substring(0, line.indexOf(':') + 1))) {
      Files.writeString(file, content + (content.endsWith("\n") ? "" : "\n") + line + "\n");
    }
  }
}
