package dev.bastion.controller.runtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
    List<String> argv = base();
    if (kind == RuntimeKind.GVISOR) {
      // No network stack at all (loopback only), and let sandboxd create its socket on the
      // bind-mounted host directory.
      argv.add("--network=none");
      argv.add("--host-uds=create");
    }
    argv.addAll(List.of("run", "--detach", "--bundle", bundleDir.toString(), id));
    HostCommand.Result result = HostCommand.runLogged(argv, START_TIMEOUT, log);
    if (!result.ok()) {
      throw new RuntimeFailure(
          kind.binary() + " could not start the sandbox: " + result.lastLine());
    }
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
      states.put(
          container.getString("id"), ContainerState.parse(container.getString("status", "")));
    }
    return states;
  }

  private List<String> base() {
    List<String> argv = new ArrayList<>();
    argv.add(kind.binary());
    argv.add("--root");
    argv.add(stateRoot.toString());
    return argv;
  }
}
