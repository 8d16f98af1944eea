package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.ClaimedSandbox;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxClaimStatus;
import dev.bastion.controller.model.SandboxConditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Computes a claim's status from its sandbox. Pure. */
final class ClaimStatusBuilder {

  private ClaimStatusBuilder() {}

  /**
   * @param problem the Ready=False condition when the claim could not be served, or null
   */
  static SandboxClaimStatus build(
      SandboxClaim claim, Optional<Sandbox> sandbox, Condition problem) {
    Long generation = claim.getMetadata().getGeneration();
    SandboxClaimStatus status = new SandboxClaimStatus();
    List<Condition> conditions = new ArrayList<>();
    if (problem != null || sandbox.isEmpty()) {
      conditions.add(
          problem != null
              ? problem
              : Conditions.of(
                  SandboxConditions.READY, false, "SandboxCreatePending", "", generation));
      status.setConditions(conditions);
      return status;
    }
    Sandbox served = sandbox.get();
    ClaimedSandbox claimed = new ClaimedSandbox();
    claimed.setName(served.getMetadata().getName());
    List<Condition> sandboxConditions =
        served.getStatus() == null ? null : served.getStatus().getConditions();
    claimed.setPodIPs(served.getStatus() == null ? null : served.getStatus().getPodIPs());
    status.setSandbox(claimed);

    Optional<Condition> ready = Conditions.find(sandboxConditions, SandboxConditions.READY);
    if (ready.isEmpty()) {
      conditions.add(
          Conditions.of(SandboxConditions.READY, false, "SandboxCreatePending", "", generation));
    } else if (Conditions.TRUE.equals(ready.get().getStatus())) {
      conditions.add(Conditions.of(SandboxConditions.READY, true, "SandboxReady", "", generation));
    } else {
      String why =
          ready.get().getReason()
              + (ready.get().getMessage().isEmpty() ? "" : ": " + ready.get().getMessage());
      conditions.add(
          Conditions.of(SandboxConditions.READY, false, "SandboxNotReady", why, generation));
    }
    Conditions.find(sandboxConditions, SandboxConditions.FINISHED)
        .filter(c -> Conditions.TRUE.equals(c.getStatus()))
        .ifPresent(
            c ->
                conditions.add(
                    Conditions.of(
                        SandboxConditions.FINISHED,
                        true,
                        c.getReason(),
                        c.getMessage(),
                        generation)));
    status.setConditions(conditions);
    return status;
  }
}
