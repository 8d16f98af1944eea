package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.ClaimLifecycle;
import dev.bastion.controller.model.ClaimShutdownPolicy;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import java.time.Instant;
import java.util.Optional;

/** When a claim ends: the earlier of its shutdownTime and Finished + ttlSecondsAfterFinished. */
final class ClaimExpiry {

  private ClaimExpiry() {}

  /** The claim's expiry, or null when it has none (yet). */
  static Instant of(SandboxClaim claim, Optional<Sandbox> sandbox, Instant now) {
    ClaimLifecycle lifecycle = claim.getSpec().getLifecycle();
    if (lifecycle == null) {
      return null;
    }
    Instant expiry = Timestamps.parse(lifecycle.getShutdownTime());
    Long ttl = lifecycle.getTtlSecondsAfterFinished();
    if (ttl != null && sandbox.isPresent() && sandbox.get().getStatus() != null) {
      Instant finishedAt =
          Conditions.find(sandbox.get().getStatus().getConditions(), SandboxConditions.FINISHED)
              .filter(c -> Conditions.TRUE.equals(c.getStatus()))
              .map(c -> Instant.parse(c.getLastTransitionTime()))
              .orElse(null);
      if (finishedAt != null) {
        Instant afterFinish = finishedAt.plusSeconds(ttl);
        expiry = expiry == null || afterFinish.isBefore(expiry) ? afterFinish : expiry;
      }
    }
    return expiry;
  }

  static ClaimShutdownPolicy policy(SandboxClaim claim) {
    ClaimLifecycle lifecycle = claim.getSpec().getLifecycle();
    return lifecycle == null || lifecycle.getShutdownPolicy() == null
        ? ClaimShutdownPolicy.Retain
        : lifecycle.getShutdownPolicy();
  }
}
