package dev.bastion.controller.model;

/** What a Sandbox's expiry does: Retain keeps the object and stops the pod; Delete deletes it. */
public enum ShutdownPolicy {
  Retain,
  Delete
}
