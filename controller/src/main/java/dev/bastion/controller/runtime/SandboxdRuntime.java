package dev.bastion.controller.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * What sandboxd needs to run in any image, kept in one directory that every sandbox mounts
 * read-only at {@link SandboxPaths#SANDBOXD_DIR}: a Java runtime cut down with {@code jlink} to the
 * modules sandboxd uses and static {@code tini} as init. So an image needs only a C library of its
 * own: glibc 2.34 or newer, whose {@code posix_spawn} sandboxd starts every process with. Built
 * once per JDK from the host's own files and reused after; the build appears atomically.
 */
public final class SandboxdRuntime {

  /** Bump when what goes into the directory changes. */
  static final String RECIPE = "v2";

  /** The modules sandboxd loads: Vert.x and Netty over NIO, JUL, JNA for terminals. */
  static final List<String> MODULES =
      List.of("java.base", "java.logging", "java.naming", "jdk.unsupported");

  /** Inside the sandbox. */
  public static final String JAVA = SandboxPaths.SANDBOXD_DIR + "/java/bin/java";

  public static final String TINI = SandboxPaths.SANDBOXD_DIR + "/bin/tini";

  private static final List<String> HOST_TINI = List.of("/usr/bin/tini-static");

  private final Path cacheDir;
  private final Path javaHome;

  /**
   * @param cacheDir where built runtimes are kept, e.g. ~/.cache/bastion
   * @param javaHome the JDK whose {@code jlink} and modules make the runtime
   */
  public SandboxdRuntime(Path cacheDir, Path javaHome) {
    this.cacheDir = cacheDir;
    this.javaHome = javaHome;
  }

  /** The runtime of the JDK this server runs on. */
  public static SandboxdRuntime ofThisJdk(Path cacheDir) {
    return new SandboxdRuntime(cacheDir, Path.of(System.getProperty("java.home")));
  }

  /** Where the finished runtime of this JDK lives (it may not exist yet). */
  public Path path() {
    return cacheDir.resolve("sandboxd-runtime").resolve(key());
  }

  /** Builds the runtime unless it is built; blocking (a few seconds). */
  public Path ensure(Consumer<String> progress) {
    if (Files.isDirectory(path())) {
      return path();
    }
    Path building = path().resolveSibling(path().getFileName() + ".building");
    try {
      FileTrees.delete(building);
      Files.createDirectories(building);
      progress.accept("making sandboxd's runtime (jlink " + String.join(",", MODULES) + ")");
      Path jlink = javaHome.resolve("bin/jlink");
      if (!Files.isExecutable(jlink)) {
        throw new RuntimeFailure(
            "the JDK at " + javaHome + " has no jlink: run Bastion on a full JDK 21 or newer");
      }
      require(
          List.of(
              jlink.toString(),
              "--add-modules",
              String.join(",", MODULES),
              "--strip-debug",
              "--no-man-pages",
              "--no-header-files",
              "--output",
              building.resolve("java").toString()),
          "jlink could not make sandboxd's runtime");
      Path bin = Files.createDirectories(building.resolve("bin"));
      Files.copy(firstExisting(HOST_TINI, "tini"), bin.resolve("tini"));
      // sandboxd's jar is bind-mounted onto this file, so each build of Bastion runs its own.
      Files.createFile(building.resolve("sandboxd.jar"));
      Files.move(building, path(), StandardCopyOption.ATOMIC_MOVE);
      return path();
    } catch (IOException e) {
      throw new RuntimeFailure("could not make sandboxd's runtime: " + e.getMessage());
    }
  }

  private static void require(List<String> argv, String failure) {
    HostCommand.Result result = HostCommand.run(argv, Duration.ofMinutes(2));
    if (!result.ok()) {
      throw new RuntimeFailure(failure + ": " + result.lastLine());
    }
  }

  private static Path firstExisting(List<String> candidates, String debianPackage) {
    for (String candidate : candidates) {
      if (Files.isRegularFile(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new RuntimeFailure(
        candidates.getFirst() + " is missing: apt-get install " + debianPackage);
  }

  private String key() {
    try {
      String release = Files.readString(javaHome.resolve("release"), StandardCharsets.UTF_8);
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((RECIPE + "\n" + MODULES + "\n" + release).getBytes(StandardCharsets.UTF_8));
      return RECIPE + "-" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (IOException e) {
      throw new RuntimeFailure("cannot read the JDK's release file in " + javaHome);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
