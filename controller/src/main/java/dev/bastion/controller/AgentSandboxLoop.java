package dev.bastion.controller;

import dev.bastion.controller.metrics.AgentSandboxMetrics;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.reconcile.ClaimReconciler;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.reconcile.Expectations;
import dev.bastion.controller.reconcile.SandboxPods;
import dev.bastion.controller.reconcile.SandboxReconciler;
import dev.bastion.controller.reconcile.WarmPoolReconciler;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceEvent;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Agent Sandbox reconcilers over a store and the pods they drive, wired into one loop with the
 * events that wake them: the same on one machine and on Kubernetes. Reconciles run on the named
 * worker pool {@code bastion-controller}.
 */
public final class AgentSandboxLoop {

  // Workers per kind: starts are CPU-bound on one machine (about two core-seconds each), so more
  // than a few at once only slows each; claim passes take milliseconds.
  private static final int SANDBOX_WORKERS = 4;
  private static final int POOL_WORKERS = 2;
  private static final int CLAIM_WORKERS = 4;
  private static final Duration RESYNC = Duration.ofSeconds(5);
  private static final Duration EXPECTATIONS_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration UNREADY_MEMBER_GRACE = Duration.ofMinutes(5);
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private AgentSandboxLoop() {}

  /** A loop with no reconcilers yet: pods' watchers wake Sandboxes through it before they exist. */
  public static ControllerLoop newLoop(Vertx vertx) {
    return new ControllerLoop(vertx, "bastion-controller", RESYNC);
  }

  /**
   * Registers the Sandbox, warm pool and claim reconcilers on {@code loop}.
   *
   * @param namespaces where the shared templates and pools are, which claims of every tenant use
   */
  public static ControllerLoop addReconcilers(
      ControllerLoop loop,
      ResourceStore store,
      TenantNamespaces namespaces,
      SandboxPods pods,
      Clock clock,
      AgentSandboxMetrics metrics) {
    Expectations expectations = new Expectations(clock, EXPECTATIONS_TIMEOUT);
    return loop.register(
            new SandboxReconciler(store, pods, clock, metrics),
            SANDBOX_WORKERS,
            () -> store.keys(Sandbox.class))
        .register(
            new WarmPoolReconciler(store, expectations, clock, UNREADY_MEMBER_GRACE, suffixes()),
            POOL_WORKERS,
            () -> store.keys(SandboxWarmPool.class))
        .register(
            new ClaimReconciler(store, namespaces, clock, metrics),
            CLAIM_WORKERS,
            () -> store.keys(SandboxClaim.class))
        .map("SandboxTemplate", event -> poolsUsing(store, event.namespace(), event.name()))
        .map(
            "SandboxWarmPool",
            // A claim waits on a pool only for it to exist: a pool that exists serves every
            // claim, warm or cold. Its status changes, one per claim in a burst, wake nobody.
            event ->
                event.change() == ResourceEvent.Change.STATUS
                    ? List.of()
                    : claimsOn(store, event.name()));
  }

  private static List<ObjectKey> poolsUsing(
      ResourceStore store, String namespace, String template) {
    return store
        .list(
            SandboxWarmPool.class,
            namespace,
            (SandboxWarmPool p) -> template.equals(p.getSpec().getSandboxTemplateRef().getName()))
        .stream()
        .map(p -> new ObjectKey("SandboxWarmPool", namespace, p.getMetadata().getName()))
        .toList();
  }

  /**
   * Claims on a pool still waiting for a sandbox: a pool appearing may serve them. They may be in
   * any tenant's namespace.
   */
  private static List<ObjectKey> claimsOn(ResourceStore store, String pool) {
    return store.listAll(SandboxClaim.class).stream()
        .filter(
            c ->
                pool.equals(c.getSpec().getWarmPoolRef().getName())
                    && (c.getStatus() == null || c.getStatus().getSandbox() == null))
        .map(ObjectKey::of)
        .toList();
  }

  private static Supplier<String> suffixes() {
    SecureRandom random = new SecureRandom();
    return () -> {
      StringBuilder suffix = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
      }
      return suffix.toString();
    };
  }
}
