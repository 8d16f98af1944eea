package dev.bastion.controller.model;

/** Whether Bastion manages a template's NetworkPolicy. */
public enum NetworkPolicyManagement {
  Managed,
  Unmanaged
}
