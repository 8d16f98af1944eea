package dev.bastion.controller.reconcile;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import java.time.Instant;

/** What the reconcilers report to metrics. */
public interface LifecycleMetrics {

  LifecycleMetrics NONE =
      new LifecycleMetrics() {
        @Override
        public void claimed(SandboxClaim claim, String template, String launchType) {}

        @Override
        public void ready(SandboxClaim claim, Sandbox sandbox, Instant now) {}

        @Override
        public void sandboxReady(Sandbox sandbox, Instant now) {}
      };

  /** A claim got its sandbox, warm (adopted) or cold. */
  void claimed(SandboxClaim claim, String template, String launchType);

  /** A claim became Ready for the first time. */
  void ready(SandboxClaim claim, Sandbox sandbox, Instant now);

  /** A Sandbox became Ready for the first time since its creation. */
  void sandboxReady(Sandbox sandbox, Instant now);
}
