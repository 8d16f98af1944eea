package dev.bastion.controller.model;

/** What a claim may add to a template: nothing, additions, or additions that override. */
public enum InjectionPolicy {
  Disallowed,
  Allowed,
  Overrides
}
