package dev.bastion.controller.model;

/**
 * What a claim's expiry does: Delete deletes the claim and (by cascade) its sandbox;
 * DeleteForeground deletes the sandbox first; Retain keeps the claim and deletes its sandbox.
 */
public enum ClaimShutdownPolicy {
  Delete,
  DeleteForeground,
  Retain
}
