package dev.bastion.controller.model;

/** What a policy decides when none of its rules does. */
public enum ToolPolicyDefaultAction {
  Allow,
  Deny
}
