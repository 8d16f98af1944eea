package dev.bastion.controller.embedded;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.sandbox.SandboxHosts;
import dev.bastion.controller.sandbox.SandboxdAddress;
import dev.bastion.controller.sandbox.SandboxdTokens;

/**
 * Where the sandboxes of this machine run, as the agent-facing side asks: on the one runtime, each
 * with sandboxd on a Unix socket in its directory, answering the sandbox's token.
 */
public final class EmbeddedHosts implements SandboxHosts {

  private final ContainerRuntime runtime;
  private final SandboxLayout layout;
  private final SandboxdTokens tokens;
  private final ContainerObservations observations;

  public EmbeddedHosts(
      ContainerRuntime runtime,
      SandboxLayout layout,
      SandboxdTokens tokens,
      ContainerObservations observations) {
    this.runtime = runtime;
    this.layout = layout;
    this.tokens = tokens;
    this.observations = observations;
  }

  /** Every sandbox here runs on the one runtime ("gvisor", "crun"). */
  @Override
  public String runtimeOf(Sandbox sandbox) {
    return runtime.kind().id();
  }

  @Override
  public SandboxdAddress sandboxd(Sandbox sandbox) {
    return new SandboxdAddress.UnixSocket(
        layout.socket(EmbeddedPods.keyOf(sandbox)), tokens.of(sandbox));
  }

  @Override
  public void forgetObservations() {
    observations.forget();
  }
}
