package dev.bastion.controller.reconcile;

import dev.bastion.controller.desired.ClaimSandboxes;
import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.ClaimShutdownPolicy;
import dev.bastion.controller.model.Conditions;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxClaimStatus;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.StoreException;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves a claim with one sandbox: keeps the one it has; otherwise adopts a Ready member of its
 * warm pool, or starts one cold when the pool has none or the claim changes the pod. Adoption is a
 * single write that moves the member's controller reference from the pool to the claim under a
 * resourceVersion precondition, so two claims (or a restarted controller) can never both get it;
 * which sandbox serves a claim is always read back from ownership, never remembered. Ends the claim
 * when its lifecycle says so.
 */
public final class ClaimReconciler implements Reconciler {

  /** How soon to look again when what the claim refers to does not exist yet. */
  static final Duration MISSING_RETRY = Duration.ofSeconds(2);

  private final ResourceStore store;
  private final TenantNamespaces namespaces;
  private final Clock clock;
  private final LifecycleMetrics metrics;

  /**
   * @param namespaces where the pools and templates that claims name are (shared by every tenant),
   *     and so the pools' members; a claim and a sandbox started cold for it are in the claim's own
   *     namespace
   */
  public ClaimReconciler(
      ResourceStore store, TenantNamespaces namespaces, Clock clock, LifecycleMetrics metrics) {
    this.store = store;
    this.namespaces = namespaces;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public String kind() {
    return "SandboxClaim";
  }

  @Override
  public Requeue reconcile(String namespace, String name) {
    Optional<SandboxClaim> found = store.get(SandboxClaim.class, namespace, name);
    if (found.isEmpty()) {
      return Requeue.never();
    }
    SandboxClaim claim = found.get();
    Instant now = clock.instant();
    Optional<Sandbox> sandbox = sandboxOf(claim);

    Instant expiry = ClaimExpiry.of(claim, sandbox, now);
    if (expiry != null && !now.isBefore(expiry)) {
      return expire(claim, sandbox);
    }

    Condition problem = null;
    if (sandbox.isEmpty()) {
      Outcome outcome = serve(claim);
      sandbox = outcome.sandbox();
      problem = outcome.problem();
    }
    writeStatus(claim, sandbox, problem, now);
    Requeue requeue = problem == null ? Requeue.never() : Requeue.after(MISSING_RETRY);
    return expiry == null
        ? requeue
        : requeue.orSooner(Requeue.after(Duration.between(now, expiry)));
  }

  /**
   * The Sandbox this claim controls, if any. When none is seen but the claim's status names one,
   * the store is asked afresh: a cache that has not yet caught up with an adoption still shows the
   * sandbox as a pool member, and adopting again would only lose a race.
   */
  private Optional<Sandbox> sandboxOf(SandboxClaim claim) {
    Optional<Sandbox> seen =
        whereItsSandboxMayBe(claim).stream()
            .flatMap(
                namespace ->
                    store
                        .list(
                            Sandbox.class,
                            namespace,
                            Map.of(AgentLabels.CLAIM, claim.getMetadata().getName()))
                        .stream())
            .filter(s -> Owners.isControlledBy(s, claim))
            .findFirst();
    SandboxClaimStatus status = claim.getStatus();
    if (seen.isPresent() || status == null || status.getSandbox() == null) {
      return seen;
    }
    return latestIfServing(claim, status.getSandbox().getName());
  }

  /** The claim's own namespace (a cold sandbox), then the pools' (an adopted member). */
  private List<String> whereItsSandboxMayBe(SandboxClaim claim) {
    String own = claim.getMetadata().getNamespace();
    return own.equals(namespaces.shared()) ? List.of(own) : List.of(own, namespaces.shared());
  }

  private Outcome serve(SandboxClaim claim) {
    String namespace = namespaces.shared();
    String poolName = claim.getSpec().getWarmPoolRef().getName();
    // Read in place: a burst of claims reads the same pool and template once each.
    Optional<PoolRef> pool =
        store.read(
            SandboxWarmPool.class,
            namespace,
            poolName,
            p ->
                new PoolRef(
                    poolName,
                    p.getMetadata().getUid(),
                    p.getSpec().getSandboxTemplateRef().getName()));
    if (pool.isEmpty()) {
      return Outcome.failed(
          "WarmPoolNotFound", "warm pool \"" + poolName + "\" does not exist", claim);
    }
    String templateName = pool.get().template();
    if (!store.exists(SandboxTemplate.class, namespace, templateName)) {
      return templateNotFound(templateName, claim);
    }
    if (!ClaimSandboxes.needsColdStart(claim)) {
      Optional<Sandbox> adopted = adopt(claim, pool.get());
      if (adopted.isPresent()) {
        metrics.claimed(claim, templateName, ClaimSandboxes.WARM);
        return new Outcome(adopted, null);
      }
    }
    Optional<SandboxTemplate> template = store.get(SandboxTemplate.class, namespace, templateName);
    if (template.isEmpty()) {
      // Deleted since the check above.
      return templateNotFound(templateName, claim);
    }
    Sandbox cold;
    try {
      cold = ClaimSandboxes.cold(claim, template.get());
    } catch (IllegalArgumentException e) {
      return Outcome.failed("InvalidClaim", e.getMessage(), claim);
    }
    try {
      Sandbox created = store.create(cold);
      metrics.claimed(claim, templateName, ClaimSandboxes.COLD);
      return new Outcome(Optional.of(created), null);
    } catch (StoreException e) {
      if (e.reason() != StoreException.Reason.ALREADY_EXISTS) {
        throw e;
      }
      Optional<Sandbox> ours = latestIfServing(claim, cold.getMetadata().getName());
      if (ours.isPresent()) {
        return new Outcome(ours, null); // another controller made it for this claim just now
      }
      return Outcome.failed(
          "AdoptionConflict",
          "a Sandbox named \""
              + claim.getMetadata().getName()
              + "\" exists and belongs to something else",
          claim);
    }
  }

  private static Outcome templateNotFound(String templateName, SandboxClaim claim) {
    return Outcome.failed(
        "TemplateNotFound", "template \"" + templateName + "\" does not exist", claim);
  }

  /**
   * Tries the pool's Ready members in the claim's own order; a member changed meanwhile (taken by
   * another claim) is skipped. The handed-over member is built from the stored one read in place,
   * and written under its resourceVersion, so a member taken between the read and the write is a
   * conflict, not a share.
   */
  private Optional<Sandbox> adopt(SandboxClaim claim, PoolRef pool) {
    // Members stay in the pool's namespace when a claim takes them.
    String namespace = namespaces.shared();
    String claimName = claim.getMetadata().getName();
    // Names only: a burst of claims on a big pool must not copy every member for every claim.
    List<String> candidates =
        new ArrayList<>(
            store.names(
                Sandbox.class,
                namespace,
                labels ->
                    pool.name().equals(labels.get(AgentLabels.WARM_POOL))
                        || claimName.equals(labels.get(AgentLabels.CLAIM))));
    // Each claim tries the members in an order of its own (rendezvous hashing): concurrent claims
    // rarely contend for the same member, while two controllers serving the same claim walk the
    // same order, and the one behind finds the member already adopted for that claim: as a lost
    // race below, or, if its cache has caught up meanwhile, among the candidates (which therefore
    // include the sandboxes labelled with this claim).
    long claimHash = claim.getMetadata().getUid().hashCode();
    candidates.sort(Comparator.comparingLong(member -> rank(claimHash, member)));
    for (String name : candidates) {
      Optional<Sandbox> alreadyOurs =
          store.read(
              Sandbox.class,
              namespace,
              name,
              member ->
                  Owners.isControlledBy(member, claim) ? ModelSerialization.copy(member) : null);
      if (alreadyOurs.isPresent()) {
        return alreadyOurs;
      }
      Optional<Sandbox> handedOver =
          store.read(
              Sandbox.class,
              namespace,
              name,
              member ->
                  pool.controls(member) && SandboxConditions.isReady(member)
                      ? ClaimSandboxes.adopted(member, claim)
                      : null);
      if (handedOver.isEmpty()) {
        continue;
      }
      try {
        return Optional.of(store.update(handedOver.get()));
      } catch (StoreException e) {
        if (!StoreException.isConflict(e) && e.reason() != StoreException.Reason.NOT_FOUND) {
          throw e;
        }
        Optional<Sandbox> ours = latestIfServing(claim, name);
        if (ours.isPresent()) {
          return ours;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Where {@code member} comes in the claim's order: the two hashes mixed by SplitMix64's
   * finalizer, so different claims get unrelated orders (a plain String hash of "claim/member"
   * would give every claim a rotation of one order, and neighbours would contend).
   */
  private static long rank(long claimHash, String member) {
    long z = claimHash * 0x9E3779B97F4A7C15L + member.hashCode();
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Sandbox {@code name} as it is now, if it already serves {@code claim}: a write that lost a race
   * may have lost it to another controller doing the same for the same claim, which is success.
   */
  private Optional<Sandbox> latestIfServing(SandboxClaim claim, String name) {
    return whereItsSandboxMayBe(claim).stream()
        .flatMap(namespace -> store.getLatest(Sandbox.class, namespace, name).stream())
        .filter(sandbox -> Owners.isControlledBy(sandbox, claim))
        .findFirst();
  }

  private Requeue expire(SandboxClaim claim, Optional<Sandbox> sandbox) {
    String namespace = claim.getMetadata().getNamespace();
    ClaimShutdownPolicy policy = ClaimExpiry.policy(claim);
    switch (policy) {
      case Delete -> {
        // The sandbox follows by cascade.
        deleteClaim(claim);
        return Requeue.never();
      }
      case DeleteForeground -> {
        if (sandbox.isPresent()) {
          deleteSandbox(sandbox.get());
          // Its deletion event (it names the claim as owner) wakes this claim again.
          return Requeue.never();
        }
        deleteClaim(claim);
        return Requeue.never();
      }
      case Retain -> {
        sandbox.ifPresent(this::deleteSandbox);
        Condition expired =
            Conditions.of(
                "Ready",
                false,
                "ClaimExpired",
                "the claim's lifecycle ended",
                claim.getMetadata().getGeneration());
        writeStatus(claim, Optional.empty(), expired, clock.instant());
        return Requeue.never();
      }
    }
    throw new IllegalStateException("unknown shutdown policy " + policy + " in " + namespace);
  }

  private void deleteClaim(SandboxClaim claim) {
    store.delete(
        SandboxClaim.class,
        claim.getMetadata().getNamespace(),
        claim.getMetadata().getName(),
        claim.getMetadata().getResourceVersion());
  }

  private void deleteSandbox(Sandbox sandbox) {
    store.delete(
        Sandbox.class, sandbox.getMetadata().getNamespace(), sandbox.getMetadata().getName(), null);
  }

  private void writeStatus(
      SandboxClaim claim, Optional<Sandbox> sandbox, Condition problem, Instant now) {
    SandboxClaimStatus current = claim.getStatus();
    boolean wasReady = current != null && Conditions.isTrue(current.getConditions(), "Ready");
    SandboxClaimStatus status = ClaimStatusBuilder.build(claim, sandbox, problem);
    status.setConditions(
        Conditions.merge(
            current == null ? null : current.getConditions(), status.getConditions(), now));
    claim.setStatus(status);
    try {
      store.updateStatus(claim);
    } catch (StoreException changedOrDeleted) {
      // Changed or deleted meanwhile: the event of that change queues another pass.
      return;
    }
    if (!wasReady && Conditions.isTrue(status.getConditions(), "Ready")) {
      metrics.ready(claim, sandbox.orElseThrow(), now);
    }
  }

  /** The claim's pool, as far as serving a claim needs it. */
  private record PoolRef(String name, String uid, String template) {
    boolean controls(Sandbox member) {
      return Owners.isControlledBy(member, uid);
    }
  }

  /** What serving a claim gave: a sandbox, or the condition saying why not. */
  private record Outcome(Optional<Sandbox> sandbox, Condition problem) {
    static Outcome failed(String reason, String message, SandboxClaim claim) {
      return new Outcome(
          Optional.empty(),
          Conditions.of("Ready", false, reason, message, claim.getMetadata().getGeneration()));
    }
  }
}
