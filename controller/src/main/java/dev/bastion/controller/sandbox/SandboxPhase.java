package dev.bastion.controller.sandbox;

/** Where a sandbox is in its life; mirrors bastion.v1.Sandbox.Phase. */
public enum SandboxPhase {
  PENDING,
  READY,
  SUSPENDED,
  FAILED,
  /** Being deleted: its container and files are going away, then the record goes too. */
  TERMINATED
}
