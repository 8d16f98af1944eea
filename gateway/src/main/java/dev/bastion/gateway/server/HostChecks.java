package dev.bastion.gateway.server;

import dev.bastion.controller.embedded.SandboxLayout;
import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.RuntimeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** What the host must offer before sandboxes can run; each failure says what to do. */
final class HostChecks {
  private HostChecks() {}

  static void verify(ServerConfig config) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new StartupException(
          "Bastion's embedded mode runs sandboxes with Linux namespaces and cgroups: run it on"
              + " Linux, or use the Kubernetes mode");
    }
    if (!isRoot()) {
      throw new StartupException(
          "bastion serve must run as root to create gVisor sandboxes with cgroup limits: run it"
              + " with sudo");
    }
    HostCommand.Result version =
        HostCommand.run(List.of(config.runtime().binary(), "--version"), Duration.ofSeconds(20));
    if (!version.ok()) {
      throw new StartupException(
          config.runtime().binary()
              + " is not installed: run ./bastion serve as root on Debian or Ubuntu to install it,"
              + " or apt-get install "
              + (config.runtime() == RuntimeKind.GVISOR ? "runsc" : "crun"));
    }
    if (!HostCommand.run(List.of("mkfs.ext4", "-V"), Duration.ofSeconds(20)).ok()) {
      throw new StartupException(
          "mkfs.ext4 is not installed, and every sandbox's /workspace is an ext4 file system of"
              + " its own (its size is its quota): apt-get install e2fsprogs");
    }
    // sun_path holds 108 bytes: sockets below a deep state directory cannot be bound.
    String socket =
        new SandboxLayout(config.stateDir().toAbsolutePath()).socket("sbx-000000000000").toString();
    if (socket.length() > 107) {
      throw new StartupException(
          "the state directory "
              + config.stateDir()
              + " is too deep for Unix socket paths: choose a shorter --state-dir");
    }
    if (!Files.isRegularFile(config.sandboxdJar())) {
      throw new StartupException(
          "the sandboxd jar is missing at "
              + config.sandboxdJar()
              + ": build it with mvn package, or start Bastion with ./bastion serve");
    }
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
