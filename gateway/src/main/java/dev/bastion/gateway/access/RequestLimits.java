package dev.bastion.gateway.access;

import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.gateway.policy.LimitExceededException;
import java.util.Optional;

/**
 * A policy's limits written into the request sandboxd gets, so sandboxd itself enforces them: it
 * kills a process at its timeout and cuts output at its cap (reporting both in the result).
 */
final class RequestLimits {

  private RequestLimits() {}

  /**
   * The timeout to ask sandboxd for: the request's own; when it asks for none, {@code fallback} (0:
   * none) or maxExecSeconds, the lower that is set.
   *
   * @throws LimitExceededException when the request asks for longer than maxExecSeconds
   */
  static long timeoutSeconds(long requested, long fallback, PolicyLimits limits) {
    Optional<PolicyLimits.Bound> max = limits.get(Limit.MAX_EXEC_SECONDS);
    if (max.isPresent() && requested > max.get().value()) {
      throw new LimitExceededException(
          max.get(), "timeout_seconds " + requested + " is longer than");
    }
    return requested == 0 ? lower(fallback, max, 0) : requested;
  }

  /** The output cap to ask sandboxd for: the request's own or maxOutputBytes, the lower. */
  static long outputBytes(long requested, PolicyLimits limits) {
    return lower(requested, limits.get(Limit.MAX_OUTPUT_BYTES), 0);
  }

  /**
   * The read limit to ask sandboxd for: one byte past maxFileBytes, so a larger file is noticed
   * (and refused) without sandboxd streaming all of it.
   */
  static long readBytes(long requested, PolicyLimits limits) {
    return lower(requested, limits.get(Limit.MAX_FILE_BYTES), 1);
  }

  /** {@code requested} (0: unbounded) bounded by {@code bound} plus {@code slack}. */
  private static long lower(long requested, Optional<PolicyLimits.Bound> bound, long slack) {
    if (bound.isEmpty()) {
      return requested;
    }
    long cap = bound.get().value() + slack;
    return requested <= 0 ? cap : Math.min(requested, cap);
  }
}
