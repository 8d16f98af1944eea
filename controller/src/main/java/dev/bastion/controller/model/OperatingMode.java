package dev.bastion.controller.model;

/** Whether a sandbox's pod runs. */
public enum OperatingMode {
  Running,
  Suspended
}
