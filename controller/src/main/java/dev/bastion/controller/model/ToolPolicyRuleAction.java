package dev.bastion.controller.model;

/** Allow and Deny decide a call when their condition holds; Audit only records that it held. */
public enum ToolPolicyRuleAction {
  Allow,
  Deny,
  Audit
}
