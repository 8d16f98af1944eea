package dev.bastion.gateway.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RootFilesystem;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.WorkspaceVolume;
import dev.bastion.gateway.auth.MetricsToken;
import dev.bastion.gateway.server.BastionServer;
import dev.bastion.gateway.server.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * What integration tests need from the machine: root, runsc and the sandbox root filesystem. Off CI
 * a missing piece skips the test with the reason; on CI (CI=true) it fails, because .ci/run
 * provides all of it.
 */
final class SandboxHost {

  static final Path CACHE_DIR = Path.of(System.getProperty("user.home"), ".cache", "bastion");
  static final String MIRROR = "http://deb.debian.org/debian";

  private SandboxHost() {}

  /** A server on loopback {@code port} keeping its state (and audit log) in {@code state}. */
  static ServerConfig config(int port, Path state, Path tokens, RuntimeKind runtime, int warm) {
    return config(port, state, tokens, runtime, warm, null);
  }

  /** The same, with /metrics behind {@code metricsToken} unless that is null. */
  static ServerConfig config(
      int port, Path state, Path tokens, RuntimeKind runtime, int warm, MetricsToken metricsToken) {
    return new ServerConfig(
        "127.0.0.1",
        port,
        state,
        tokens,
        runtime,
        CACHE_DIR,
        MIRROR,
        sandboxdJar(),
        warm,
        state.resolve("audit.jsonl"),
        null,
        SandboxCeilings.defaults(),
        metricsToken,
        PullRules.standard());
  }

  /**
   * The key of a tenant's sandbox on the host (its container, cgroup and directory under {@code
   * state/sandboxes}): the tenant's namespace and the sandbox's id, as EmbeddedPods keys them.
   */
  static String hostKey(String tenant, String id) {
    return tenant + "_" + id;
  }

  /** Starts a gVisor server on a free loopback port with its state in {@code stateDir}. */
  static BastionServer start(Path stateDir, Path tokens, int warm) throws IOException {
    return start(stateDir, tokens, RuntimeKind.GVISOR, warm);
  }

  /** Starts a server with {@code runtime} on a free loopback port. */
  static BastionServer start(Path stateDir, Path tokens, RuntimeKind runtime, int warm)
      throws IOException {
    return BastionServer.start(
        config(freePort(), stateDir, tokens, runtime, warm), System.out::println);
  }

  /** A loopback port free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  /**
   * Copies each sandbox's own log (sandboxd's output) out of {@code stateDir} into {@code into}.
   */
  static void keepLogs(Path stateDir, Path into) throws IOException {
    Path sandboxes = stateDir.resolve("sandboxes");
    if (!Files.isDirectory(sandboxes)) {
      return;
    }
    Files.createDirectories(into);
    try (Stream<Path> dirs = Files.list(sandboxes)) {
      for (Path log : dirs.map(d -> d.resolve("container.log")).filter(Files::exists).toList()) {
        Files.copy(
            log,
            into.resolve(log.getParent().getFileName() + ".log"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static Path sandboxdJar() {
    Path jar =
        Path.of(System.getProperty("bastion.sandboxd.jar", "../sandboxd/target/sandboxd.jar"));
    require(
        Files.isRegularFile(jar),
        "sandboxd jar not built at " + jar + " (run mvn verify from the top)");
    return jar;
  }

  /** Checks the host and builds the root filesystem if it is not cached yet. */
  static void require() {
    require(
        "root".equals(System.getProperty("user.name")),
        "sandbox integration tests must run as root (cgroups, runsc)");
    require(
        Files.isExecutable(Path.of("/usr/bin/runsc"))
            || Files.isExecutable(Path.of("/usr/local/bin/runsc")),
        "runsc (gVisor) is not installed; ./bastion test installs it");
    new RootFilesystem(CACHE_DIR, MIRROR).ensure(line -> System.out.println("[rootfs] " + line));
  }

  /**
   * Removes every container a test server left in its runtime state directory, and unmounts their
   * workspaces so the directory can be deleted.
   */
  static void removeContainers(Path stateDir) {
    ContainerRuntime runtime = new ContainerRuntime(RuntimeKind.GVISOR, stateDir.resolve("gvisor"));
    if (Files.isDirectory(stateDir.resolve("gvisor"))) {
      runtime.list().keySet().forEach(runtime::remove);
    }
    new WorkspaceVolume().unmountAllUnder(stateDir);
  }

  /** Skips the test with {@code reason} unless {@code condition} holds; on CI it fails instead. */
  static void require(boolean condition, String reason) {
    if (condition) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail("CI must provide this, but: " + reason);
    }
    // A class skipped in @BeforeAll counts as no test at all in the build's summary: say it here.
    System.err.println("SKIPPED: " + reason);
    assumeTrue(false, "SKIPPED: " + reason);
  }
}
