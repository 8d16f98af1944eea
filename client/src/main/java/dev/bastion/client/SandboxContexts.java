package dev.bastion.client;

import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.ListContextsRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The code contexts of a sandbox: each a Jupyter kernel of its own, so cells in one do not see
 * another's variables. A sandbox holds at most 8; {@link Sandbox#runCode} without a context uses
 * the sandbox's default one, made on first use.
 */
public final class SandboxContexts {

  private final Transport transport;
  private final String sandboxId;

  SandboxContexts(Transport transport, String sandboxId) {
    this.transport = transport;
    this.sandboxId = sandboxId;
  }

  /** A new Python context in {@code /workspace}. */
  public ContextInfo create() {
    return create("python", "", Map.of());
  }

  /**
   * A new context.
   *
   * @param language {@code python} or another installed Jupyter kernelspec's name
   * @param cwd its working directory, absolute or relative to {@code /workspace}; empty for {@code
   *     /workspace}
   * @param env variables of its kernel, on top of the sandbox's
   */
  public ContextInfo create(String language, String cwd, Map<String, String> env) {
    Map<String, String> checked = new HashMap<>();
    Objects.requireNonNull(env, "env")
        .forEach((name, value) -> Checks.putEnv(checked, name, value));
    CreateContextRequest request =
        CreateContextRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setLanguage(Checks.notBlank(language, "language"))
            .setCwd(Objects.requireNonNull(cwd, "cwd"))
            .putAllEnv(checked)
            .build();
    return Protos.context(
        Handoff.await(
            "SandboxContexts.create", () -> transport.unary(ContextsGrpcClient.Create, request)));
  }

  /** Every context of the sandbox, the dead ones included. */
  public List<ContextInfo> list() {
    ListContextsRequest request = ListContextsRequest.newBuilder().setSandboxId(sandboxId).build();
    return Handoff.await(
            "SandboxContexts.list", () -> transport.unary(ContextsGrpcClient.List, request))
        .getContextsList()
        .stream()
        .map(Protos::context)
        .toList();
  }

  /** Stops the cell running in context {@code id} (KeyboardInterrupt); its state is kept. */
  public ContextInfo interrupt(String id) {
    return Protos.context(
        Handoff.await(
            "SandboxContexts.interrupt",
            () -> transport.unary(ContextsGrpcClient.Interrupt, request(id))));
  }

  /**
   * Gives context {@code id} a fresh kernel with the same id, working directory and environment:
   * its variables are gone. The way back after its kernel died.
   */
  public ContextInfo restart(String id) {
    return Protos.context(
        Handoff.await(
            "SandboxContexts.restart",
            () -> transport.unary(ContextsGrpcClient.Restart, request(id))));
  }

  /** Stops context {@code id}'s kernel and forgets it. */
  public void delete(String id) {
    Handoff.await(
        "SandboxContexts.delete", () -> transport.unary(ContextsGrpcClient.Delete, request(id)));
  }

  private ContextRequest request(String id) {
    return ContextRequest.newBuilder()
        .setSandboxId(sandboxId)
        .setContextId(Checks.notBlank(id, "context id"))
        .build();
  }
}
