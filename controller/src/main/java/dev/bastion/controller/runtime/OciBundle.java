package dev.bastion.controller.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the OCI runtime configuration (config.json) of one sandbox. A pure function of the {@link
 * ContainerSpec}: the same spec always gives the same document.
 */
public final class OciBundle {

  /**
   * The JVM flags sandboxd runs with, here and in the container image (whose builder passes them to
   * the Dockerfile), so both modes run the same sandboxd.
   */
  public static final List<String> SANDBOXD_JVM_FLAGS =
      List.of(
          // Small and quick to start: sandboxd idles most of its life and must not compete with
          // the user's code for memory. Measured under gVisor (docs/BENCHMARKS.md): the JDK's
          // shared class archive is copied into every sandbox's memory (+25 MB RSS each) for a
          // ~0.2 s faster start, so it is off; no perf-data file saves ~0.25 s.
          "-Xms8m",
          "-Xmx48m",
          "-Xss512k",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:-UsePerfData",
          "-Xshare:off",
          // An idle sandboxd must not wake up: each wake-up is a few system calls, and under
          // gVisor's ptrace platform every one is dozens of microseconds of host CPU. The JVM's
          // monitor deflation thread checks four times a second and the VM thread forces a
          // safepoint every second; together they are about half of an idle sandbox's host CPU
          // (docs/BENCHMARKS.md). Deflation still runs when monitors pile up, every 5 s at most.
          "-XX:+UnlockDiagnosticVMOptions",
          "-XX:AsyncDeflationInterval=5000",
          "-XX:GuaranteedSafepointInterval=0",
          // Netty unpacks its native transport here, and JNA (terminals) its libjnidispatch; /tmp
          // is a tmpfs that allows it, the root filesystem is read-only.
          "-Dio.netty.native.workdir=/tmp",
          "-Djna.tmpdir=/tmp");

  /**
   * What sandboxd may do beyond an ordinary user, and nothing else (also the bounding set, so no
   * process in the sandbox can ever hold more): CAP_SETUID and CAP_SETGID to start every process as
   * {@link SandboxPaths#SANDBOX_UID}; CAP_SETPCAP to empty those processes' bounding set; CAP_KILL
   * to signal them (timeouts, Kill); CAP_CHOWN to hand the files and directories it creates to that
   * user; CAP_DAC_OVERRIDE to read and write the workspace whatever modes the agent's code set
   * there.
   */
  public static final List<String> SANDBOXD_CAPABILITIES =
      List.of(
          "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE");

  /**
   * Held but not in effect: a sandbox restored from a snapshot keeps the hostname it was saved
   * with, and sandboxd takes this up for the one sethostname that gives it its own (and lays it
   * down again). Its children never have it: their bounding set is empty and execve as the agent's
   * user clears the rest.
   */
  public static final String HOSTNAME_CAPABILITY = "CAP_SYS_ADMIN";

  /** Where the host puts the image's Env for sandboxd, in the directory only sandboxd reads. */
  public static final String IMAGE_ENV_NAME = "image-env";

  /**
   * The entry process: tini reaps orphans, sandboxd serves the API on a Unix socket to callers with
   * the sandbox's token and runs every process as the image's user, with its Env and WorkingDir.
   * Both come from sandboxd's runtime, not the image.
   */
  static List<String> entryArgs(ContainerSpec spec) {
    ProcessDefaults defaults = spec.defaults();
    List<String> args =
        new java.util.ArrayList<>(List.of(SandboxdRuntime.TINI, "-s", "--", SandboxdRuntime.JAVA));
    args.addAll(SANDBOXD_JVM_FLAGS);
    args.addAll(
        List.of(
            "-jar",
            SandboxPaths.SANDBOXD_JAR,
            "--socket",
            SandboxPaths.SOCKET_DIR + "/" + SandboxPaths.SOCKET_NAME,
            "--token-file",
            SandboxPaths.SOCKET_DIR + "/" + SandboxPaths.TOKEN_NAME,
            "--run-as",
            defaults.uid() + ":" + defaults.gid(),
            "--workspace",
            SandboxPaths.WORKSPACE));
    if (!defaults.env().isEmpty()) {
      args.addAll(List.of("--image-env-file", SandboxPaths.SOCKET_DIR + "/" + IMAGE_ENV_NAME));
    }
    defaults.workingDir().ifPresent(dir -> args.addAll(List.of("--image-workdir", dir)));
    return args;
  }

  private static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware");

  private static final List<String> READONLY_PATHS =
      List.of(
          "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private OciBundle() {}

  /** The config.json document for {@code spec}. */
  public static JsonObject config(ContainerSpec spec) {
    return new JsonObject()
        .put("ociVersion", "1.0.2")
        .put("process", process(spec))
        .put("root", new JsonObject().put("path", spec.rootfs().toString()).put("readonly", true))
        .put("hostname", spec.hostname())
        .put("mounts", mounts(spec))
        .put("linux", linux(spec));
  }

  private static List<String> heldCapabilities() {
    List<String> held = new ArrayList<>(SANDBOXD_CAPABILITIES);
    held.add(HOSTNAME_CAPABILITY);
    return held;
  }

  private static JsonObject process(ContainerSpec spec) {
    return new JsonObject()
        .put("terminal", false)
        .put(
            "user",
            new JsonObject()
                .put("uid", SandboxPaths.SANDBOXD_UID)
                .put("gid", SandboxPaths.SANDBOXD_GID)
                .put("additionalGids", new JsonArray()))
        .put("args", new JsonArray(entryArgs(spec)))
        .put(
            "env",
            new JsonArray()
                .add("PATH=/usr/local/bin:/usr/bin:/bin")
                .add("LANG=C.UTF-8")
                .add("HOME=" + SandboxPaths.WORKSPACE))
        .put("cwd", SandboxPaths.WORKSPACE)
        // sandboxd's few and no way to gain more; the processes it starts drop them all.
        .put(
            "capabilities",
            new JsonObject()
                .put("bounding", new JsonArray(heldCapabilities()))
                .put("effective", new JsonArray(SANDBOXD_CAPABILITIES))
                .put("inheritable", new JsonArray())
                .put("permitted", new JsonArray(heldCapabilities()))
                .put("ambient", new JsonArray()))
        .put(
            "rlimits",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("type", "RLIMIT_NOFILE")
                        .put("hard", 4096)
                        .put("soft", 4096)))
        .put("noNewPrivileges", true);
  }

  private static JsonArray mounts(ContainerSpec spec) {
    return new JsonArray()
        .add(mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"))
        .add(mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"))
        .add(
            mount(
                "/dev/pts",
                "devpts",
                "devpts",
                "nosuid",
                "noexec",
                "newinstance",
                "ptmxmode=0666",
                "mode=0620"))
        .add(
            mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=64m"))
        .add(mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"))
        .add(
            mount(
                "/tmp",
                "tmpfs",
                "tmpfs",
                "nosuid",
                "nodev",
                "mode=1777",
                "size=" + spec.limits().tmpBytes()))
        .add(bind(SandboxPaths.WORKSPACE, spec.workspaceDir().toString(), "rw", "nosuid", "nodev"))
        .add(
            bind(
                SandboxPaths.SOCKET_DIR,
                spec.socketDir().toString(),
                "rw",
                "nosuid",
                "nodev",
                "noexec"))
        // Executable: sandboxd's Java runtime and tools run from here.
        .add(
            bind(
                SandboxPaths.SANDBOXD_DIR,
                spec.sandboxdRuntime().toString(),
                "ro",
                "nosuid",
                "nodev"))
        .add(
            bind(
                SandboxPaths.SANDBOXD_JAR,
                spec.sandboxdJar().toString(),
                "ro",
                "nosuid",
                "nodev",
                "noexec"));
  }

  private static JsonObject mount(String destination, String type, String source, String... opts) {
    return new JsonObject()
        .put("destination", destination)
        .put("type", type)
        .put("source", source)
        .put("options", new JsonArray(List.of(opts)));
  }

  private static JsonObject bind(String destination, String source, String... opts) {
    JsonArray options = new JsonArray().add("rbind");
    for (String opt : opts) {
      options.add(opt);
    }
    return new JsonObject()
        .put("destination", destination)
        .put("type", "bind")
        .put("source", source)
        .put("options", options);
  }

  private static JsonObject linux(ContainerSpec spec) {
    SandboxLimits limits = spec.limits();
    JsonArray namespaces = new JsonArray();
    for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
      namespaces.add(new JsonObject().put("type", ns));
    }
    long periodMicros = 100_000;
    return new JsonObject()
        .put("namespaces", namespaces)
        .put("cgroupsPath", cgroupPath(spec.id()))
        .put(
            "resources",
            new JsonObject()
                // swap equal to the limit: no swap on top of memory.
                .put(
                    "memory",
                    new JsonObject()
                        .put("limit", limits.memoryBytes())
                        .put("swap", limits.memoryBytes()))
                .put("pids", new JsonObject().put("limit", limits.pids()))
                .put(
                    "cpu",
                    new JsonObject()
                        .put("quota", periodMicros * limits.cpuMillis() / 1000)
                        .put("period", periodMicros)))
        .put("maskedPaths", new JsonArray(MASKED_PATHS))
        .put("readonlyPaths", new JsonArray(READONLY_PATHS));
  }

  /** The cgroup (relative to each hierarchy's root) that holds the sandbox with this id. */
  public static String cgroupPath(String id) {
    return "/bastion/" + id;
  }
}
