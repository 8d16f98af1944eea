package dev.bastion.controller.reconcile;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.desired.PoolMembers;
import dev.bastion.controller.desired.SandboxBlueprint;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.SandboxWarmPoolStatus;
import dev.bastion.controller.model.UpdateStrategyType;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Keeps a warm pool at its replicas: creates members from the pool's template, replaces members
 * that failed or never became Ready within a grace period, replaces stale members when the strategy
 * is Recreate (OnReplenish keeps them until claimed), and removes extras. Expectations of its own
 * in-flight creates and deletes keep it from overshooting on a lagging cache.
 */
public final class WarmPoolReconciler implements Reconciler {

  static final Duration CLAIMS_FIRST_LIMIT = Duration.ofSeconds(2);
  static final Duration CLAIMS_QUIET = Duration.ofMillis(500);
  private static final Duration CLAIMS_FIRST_POLL = Duration.ofMillis(50);

  private final ResourceStore store;
  private final Expectations expectations;
  private final Clock clock;
  private final Duration readyGrace;
  private final Supplier<String> suffixes;

  /** Pools holding off their refill for claims. */
  private final Map<ObjectKey, Hold> holds = new ConcurrentHashMap<>();

  /**
   * @param readyGrace how long a member may take to become Ready before it is replaced
   * @param suffixes random name suffixes for new members
   */
  public WarmPoolReconciler(
      ResourceStore store,
      Expectations expectations,
      Clock clock,
      Duration readyGrace,
      Supplier<String> suffixes) {
    this.store = store;
    this.expectations = expectations;
    this.clock = clock;
    this.readyGrace = readyGrace;
    this.suffixes = suffixes;
  }

  @Override
  public String kind() {
    return "SandboxWarmPool";
  }

  @Override
  public Requeue reconcile(String namespace, String name) {
    ObjectKey key = new ObjectKey(kind(), namespace, name);
    Optional<SandboxWarmPool> found = store.get(SandboxWarmPool.class, namespace, name);
    if (found.isEmpty()) {
      // Its members go with it: they carry its owner reference.
      expectations.forget(key);
      holds.remove(key);
      return Requeue.never();
    }
    SandboxWarmPool pool = found.get();
    Instant now = clock.instant();
    if (holdsRefillForClaims(key, pool, now)) {
      // Counted, not listed: copying every member on each poll would take the CPU the hold keeps
      // for the claims.
      writeStatus(
          pool,
          store.count(Sandbox.class, namespace, member -> isMember(member, pool)),
          store.count(
              Sandbox.class,
              namespace,
              member -> isMember(member, pool) && SandboxConditions.isReady(member)));
      return Requeue.after(CLAIMS_FIRST_POLL);
    }
    List<Sandbox> members = members(pool);
    Set<String> names =
        members.stream().map(m -> m.getMetadata().getName()).collect(Collectors.toSet());
    Expectations.InFlight inFlight = expectations.reconcile(key, names);
    List<Sandbox> live =
        members.stream()
            .filter(m -> !inFlight.deletes().contains(m.getMetadata().getName()))
            .toList();

    Optional<SandboxTemplate> template =
        store.get(
            SandboxTemplate.class, namespace, pool.getSpec().getSandboxTemplateRef().getName());
    Requeue requeue = Requeue.never();
    if (template.isPresent()) {
      Convergence convergence =
          converge(key, pool, template.get(), live, inFlight.creates().size(), now);
      requeue = convergence.requeue();
      if (convergence.changedMembers()) {
        live = members(pool);
      }
    }
    writeStatus(pool, live.size(), (int) live.stream().filter(SandboxConditions::isReady).count());
    return requeue;
  }

  private List<Sandbox> members(SandboxWarmPool pool) {
    return store.list(
        Sandbox.class, pool.getMetadata().getNamespace(), member -> isMember(member, pool));
  }

  private static boolean isMember(Sandbox sandbox, SandboxWarmPool pool) {
    Map<String, String> labels = sandbox.getMetadata().getLabels();
    return labels != null
        && pool.getMetadata().getName().equals(labels.get(AgentLabels.WARM_POOL))
        && Owners.isControlledBy(sandbox, pool);
  }

  /** What a convergence asks for next, and whether it created or deleted members. */
  private record Convergence(Requeue requeue, boolean changedMembers) {}

  /**
   * Claims first: while claims on this pool wait for a sandbox, starting replacements would take
   * the CPU they need (a start costs about two core-seconds), so the refill waits for them, and for
   * {@link #CLAIMS_QUIET} after the last one was seen waiting, as a burst's claims arrive over a
   * few hundred milliseconds with gaps between them; in all for at most {@link
   * #CLAIMS_FIRST_LIMIT}, so a steady stream of claims never keeps the pool from refilling.
   */
  private boolean holdsRefillForClaims(ObjectKey key, SandboxWarmPool pool, Instant now) {
    String poolName = pool.getMetadata().getName();
    boolean waiting =
        store.count(
                SandboxClaim.class,
                pool.getMetadata().getNamespace(),
                (SandboxClaim claim) ->
                    poolName.equals(claim.getSpec().getWarmPoolRef().getName())
                        && (claim.getStatus() == null || claim.getStatus().getConditions() == null))
            > 0;
    Hold hold = holds.get(key);
    if (waiting) {
      hold = hold == null ? new Hold(now, now) : new Hold(hold.since(), now);
      holds.put(key, hold);
    }
    if (hold == null) {
      return false;
    }
    boolean holding =
        now.isBefore(hold.lastWaiting().plus(CLAIMS_QUIET))
            && now.isBefore(hold.since().plus(CLAIMS_FIRST_LIMIT));
    if (!holding) {
      holds.remove(key);
    }
    return holding;
  }

  /** Since when a pool holds its refill, and when it last saw a claim waiting. */
  private record Hold(Instant since, Instant lastWaiting) {}

  private Convergence converge(
      ObjectKey key,
      SandboxWarmPool pool,
      SandboxTemplate template,
      List<Sandbox> live,
      int creating,
      Instant now) {
    String hash = SandboxBlueprint.hash(template);
    boolean recreate =
        pool.getSpec().getUpdateStrategy() != null
            && pool.getSpec().getUpdateStrategy().getType() == UpdateStrategyType.Recreate;
    List<Sandbox> doomed = new ArrayList<>();
    List<Sandbox> kept = new ArrayList<>();
    Requeue requeue = Requeue.never();
    for (Sandbox member : live) {
      boolean stale = !hash.equals(member.getMetadata().getLabels().get(AgentLabels.TEMPLATE_HASH));
      if (SandboxConditions.hasFailed(member) || (recreate && stale)) {
        doomed.add(member);
      } else if (!SandboxConditions.isReady(member)) {
        Instant deadline =
            Instant.parse(member.getMetadata().getCreationTimestamp()).plus(readyGrace);
        // An unschedulable member is held, not churned: its replacement would wait for a node
        // just the same. Its PodScheduled condition says why.
        if (now.isAfter(deadline) && !SandboxConditions.isUnschedulable(member)) {
          doomed.add(member);
        } else {
          kept.add(member);
          requeue = requeue.orSooner(Requeue.after(Duration.between(now, deadline)));
        }
      } else {
        kept.add(member);
      }
    }
    int replicas = PoolMembers.replicas(pool);
    int surplus = kept.size() + creating - replicas;
    if (surplus > 0) {
      // Extras go stale first, then not-Ready, then the newest: the oldest Ready ones serve. The
      // name breaks ties (timestamps have seconds), so two controllers pick the same extras.
      kept.sort(
          Comparator.comparing(
                  (Sandbox m) ->
                      hash.equals(m.getMetadata().getLabels().get(AgentLabels.TEMPLATE_HASH)))
              .thenComparing(SandboxConditions::isReady)
              .thenComparing(m -> m.getMetadata().getCreationTimestamp(), Comparator.reverseOrder())
              .thenComparing(m -> m.getMetadata().getName()));
      doomed.addAll(kept.subList(0, Math.min(surplus, kept.size())));
      kept = kept.subList(Math.min(surplus, kept.size()), kept.size());
    }
    for (Sandbox member : doomed) {
      expectations.expectDelete(key, member.getMetadata().getName());
      deleteMember(member);
    }
    boolean changed = !doomed.isEmpty();
    for (int i = kept.size() + creating; i < replicas; i++) {
      changed = true;
      Sandbox member = PoolMembers.build(pool, template, hash, suffixes.get());
      expectations.expectCreate(key, member.getMetadata().getName());
      try {
        store.create(member);
      } catch (StoreException e) {
        if (e.reason() != StoreException.Reason.ALREADY_EXISTS) {
          throw e;
        }
        // A random name taken: the next pass makes another.
        requeue = Requeue.after(Duration.ZERO);
      }
    }
    return new Convergence(requeue, changed);
  }

  private void deleteMember(Sandbox member) {
    try {
      store.delete(
          Sandbox.class,
          member.getMetadata().getNamespace(),
          member.getMetadata().getName(),
          member.getMetadata().getResourceVersion());
    } catch (StoreException e) {
      // Changed meanwhile, most likely adopted by a claim: it is no longer ours to delete.
      if (e.reason() != StoreException.Reason.CONFLICT) {
        throw e;
      }
    }
  }

  private void writeStatus(SandboxWarmPool pool, int replicas, int readyReplicas) {
    SandboxWarmPoolStatus status = new SandboxWarmPoolStatus();
    status.setReplicas(replicas);
    status.setReadyReplicas(readyReplicas);
    status.setSelector(AgentLabels.WARM_POOL + "=" + pool.getMetadata().getName());
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    pool.setStatus(status);
    try {
      store.updateStatus(pool);
    } catch (StoreException changedOrDeleted) {
      // Changed or deleted meanwhile: the event of that change queues another pass.
    }
  }
}
