package dev.bastion.controller.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives an OCI runtime's command line (runsc or crun; they share it) with a state directory of its
 * own, so Bastion only ever sees and cleans up its own containers. Every method blocks: call them
 * on a worker pool.
 */
public final class ContainerRuntime {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(20);

  private final RuntimeKind kind;
  private final Path stateRoot;

  public ContainerRuntime(RuntimeKind kind, Path stateRoot) {
    this.kind = kind;
    this.stateRoot = stateRoot;
  }

  public RuntimeKind kind() {
    return kind;
  }

  /**
   * Starts the bundle in {@code bundleDir} detached, as container {@code id}; the runtime's and the
   * container's own output go to {@code log}.
   */
  public void start(String id, Path bundleDir, Path log) {
    List<String> argv = sandboxBase();
    argv.addAll(List.of("run", "--detach", "--bundle", bundleDir.toString(), id));
    HostCommand.Result result = HostCommand.runLogged(argv, START_TIMEOUT, log);
    if (!result.ok()) {
      throw new RuntimeFailure(
          kind.binary() + " could not start the sandbox: " + result.lastLine());
    }
  }

  /**
   * Saves the memory and processes of container {@code id} into the empty directory {@code
   * imageDir}; the container stops unless {@code leaveRunning}. gVisor only.
   */
  public void checkpoint(String id, Path imageDir, boolean leaveRunning) {
    List<String> argv = base();
    argv.addAll(List.of("checkpoint", "--image-path", imageDir.toString()));
    if (leaveRunning) {
      argv.add("--leave-running");
    }
    argv.add(id);
    HostCommand.Result result = HostCommand.run(argv, START_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure(kind.binary() + " could not save the sandbox: " + firstLine(result));
    }
  }

  /**
   * Starts container {@code id} from the bundle in {@code bundleDir} with the memory and processes
   * saved in {@code imageDir}, detached; output goes to {@code log} as for {@link #start}.
   */
  public void restore(String id, Path bundleDir, Path imageDir, Path log) {
    List<String> argv = sandboxBase();
    argv.addAll(
        List.of(
            "restore",
            "--detach",
            "--image-path",
            imageDir.toString(),
            "--bundle",
            bundleDir.toString(),
            id));
    HostCommand.Result result = HostCommand.runLogged(argv, START_TIMEOUT, log);
    if (!result.ok()) {
      throw new RuntimeFailure(
          kind.binary() + " could not restore the sandbox: " + result.lastLine());
    }
  }

  /** Freezes every process of container {@code id} until {@link #resume}. */
  public void pause(String id) {
    simple("pause", id, "pause");
  }

  /** Lets the processes of a container {@link #pause} froze run again. */
  public void resume(String id) {
    simple("resume", id, "resume");
  }

  private void simple(String command, String id, String what) {
    List<String> argv = base();
    argv.addAll(List.of(command, id));
    HostCommand.Result result = HostCommand.run(argv, SHORT_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure(
          kind.binary() + " could not " + what + " the sandbox: " + result.lastLine());
    }
  }

  /** Sends {@code signal} (a name such as {@code USR1}) to the entry process of {@code id}. */
  public void signal(String id, String signal) {
    List<String> argv = base();
    argv.addAll(List.of("kill", id, signal));
    HostCommand.Result result = HostCommand.run(argv, SHORT_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure(
          kind.binary() + " could not signal the sandbox: " + result.lastLine());
    }
  }

  /** Whether host process {@code pid} exists and is not a zombie; unknown pids (0) count alive. */
  private static boolean processAlive(long pid) {
    if (pid <= 0) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (comm) S ...": the state follows the last ')', since comm may hold one.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  /** The runtime's release, as its {@code --version} names it, e.g. {@code 0.0~20240729.0}. */
  public String version() {
    HostCommand.Result result = HostCommand.run(List.of(kind.binary(), "--version"), SHORT_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure(kind.binary() + " does not tell its version: " + result.lastLine());
    }
    return result.output().lines().findFirst().orElse("").strip();
  }

  /** Stops and removes container {@code id}; a container that does not exist is not an error. */
  public void remove(String id) {
    List<String> argv = base();
    argv.addAll(List.of("delete", "--force", id));
    HostCommand.Result result = HostCommand.run(argv, SHORT_TIMEOUT);
    if (!result.ok() && !result.output().contains("does not exist")) {
      throw new RuntimeFailure(
          kind.binary() + " could not remove the sandbox: " + result.lastLine());
    }
  }

  /** The state of every container this runtime knows, by id. */
  public Map<String, ContainerState> list() {
    List<String> argv = base();
    argv.addAll(List.of("list", "--format", "json"));
    HostCommand.Result result = HostCommand.run(argv, SHORT_TIMEOUT);
    if (!result.ok()) {
      throw new RuntimeFailure(kind.binary() + " could not list sandboxes: " + result.lastLine());
    }
    String json = result.output().strip();
    Map<String, ContainerState> states = new HashMap<>();
    if (json.isEmpty() || json.equals("null")) {
      return states;
    }
    for (Object item : new JsonArray(json)) {
      JsonObject container = (JsonObject) item;
      ContainerState state = ContainerState.parse(container.getString("status", ""));
      // runsc answers from its state file and may still say running for a second or two after
      // the sandbox's process died (seen with restored sandboxes): the process decides.
      if (state != ContainerState.STOPPED && !processAlive(container.getLong("pid", 0L))) {
        state = ContainerState.STOPPED;
      }
      states.put(container.getString("id"), state);
    }
    return states;
  }

  /**
   * runsc's first line of a failure names it; the lines after are a Go stack trace, which is
   * nothing for a status.
   */
  private static String firstLine(HostCommand.Result result) {
    return result
        .output()
        .lines()
        .filter(line -> !line.isBlank())
        .findFirst()
        .map(line -> line.length() > 300 ? line.substring(0, 300) : line)
        .orElse("exit " + result.exitCode());
  }

  /** The flags of every command that starts a sandbox. */
  private List<String> sandboxBase() {
    List<String> argv = base();
    if (kind == RuntimeKind.GVISOR) {
      // No network stack at all (loopback only), and let sandboxd create its socket on the
      // bind-mounted host directory.
      argv.add("--network=none");
      argv.add("--host-uds=create");
      // Named, not left to the release: 0.0~20240729 defaults to systrap, under which a
      // sandbox's tasks no longer each take a host task, so the cgroup's task limit would stop
      // bounding a fork bomb (GatewayIT.forkBombIsContainedAndReported). A restore must also use
      // the platform its image was made under.
      argv.add("--platform=ptrace");
    }
    return argv;
  }

  private List<String> base() {
    List<String> argv = new ArrayList<>();
    argv.add(kind.binary());
    argv.add("--root");
    argv.add(stateRoot.toString());
    return argv;
  }
}
