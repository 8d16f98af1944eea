package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.Sandbox;

/**
 * What the agent-facing side needs to know about where sandboxes run: containers on this machine,
 * or Pods on Kubernetes. Answers come from memory and do not block.
 */
public interface SandboxHosts {

  /** The runtime the sandbox runs on, as the API reports it ("gvisor", "kata", "crun", ...). */
  String runtimeOf(Sandbox sandbox);

  /** Where the sandbox's sandboxd answers; asked only of a READY sandbox. */
  SandboxdAddress sandboxd(Sandbox sandbox);

  /** Makes the next observation ask afresh, e.g. because a connection to a sandbox just broke. */
  void forgetObservations();
}
