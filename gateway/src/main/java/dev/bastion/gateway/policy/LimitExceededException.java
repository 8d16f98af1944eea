package dev.bastion.gateway.policy;

import dev.bastion.controller.policy.PolicyLimits;

/** A call went, or asked to go, past a policy's limit; {@link ToolGate} turns it into an error. */
public final class LimitExceededException extends RuntimeException {

  private final transient PolicyLimits.Bound bound;

  /**
   * @param what what went past the limit, e.g. {@code "the file has more bytes than"}
   */
  public LimitExceededException(PolicyLimits.Bound bound, String what) {
    super(what + " " + bound.describe());
    this.bound = bound;
  }

  public PolicyLimits.Bound bound() {
    return bound;
  }
}
