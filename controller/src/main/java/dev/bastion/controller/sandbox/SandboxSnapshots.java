package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.Sandbox;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshots of the caller's sandboxes: taken of a READY sandbox of the caller's, listed, deleted,
 * each the tenant's own (another tenant's snapshot is NOT_FOUND, as its sandboxes are), within a
 * per-tenant quota on their number and bytes. Copies are made by {@link SandboxCreation}.
 */
public final class SandboxSnapshots {

  private final WorkerExecutor worker;
  private final SnapshotStore store;
  private final TenantSandboxes reads;
  private final SnapshotQuota quota;
  // Snapshots being taken, by tenant: they count against the quota before they exist.
  private final Map<String, Integer> inFlight = new HashMap<>();

  SandboxSnapshots(
      WorkerExecutor worker, SnapshotStore store, TenantSandboxes reads, SnapshotQuota quota) {
    this.worker = worker;
    this.store = store;
    this.reads = reads;
    this.quota = quota;
  }

  /** Saves the caller's READY sandbox {@code sandboxId}, which keeps running. */
  public Future<SnapshotView> take(String tenant, String sandboxId, Map<String, String> labels) {
    try {
      Labels.validate(labels);
    } catch (SandboxError e) {
      return Future.failedFuture(e);
    }
    return worker.executeBlocking(
        () -> {
          Sandbox sandbox = reads.owned(tenant, sandboxId);
          SandboxPhase phase = SandboxViews.phase(sandbox);
          if (phase != SandboxPhase.READY) {
            throw SandboxError.precondition(
                "only a READY sandbox can be snapshotted; " + sandboxId + " is " + phase);
          }
          reserve(tenant);
          try {
            return store.take(sandbox, tenant, RandomIds.next("snap-"), labels);
          } finally {
            release(tenant);
          }
        },
        false);
  }

  /** The caller's snapshots whose labels {@code selector} matches, oldest first. */
  public Future<List<SnapshotView>> list(String tenant, LabelSelector selector) {
    return worker.executeBlocking(
        () ->
            store.list(tenant).stream()
                .filter(s -> selector.matches(s.labels()))
                .sorted(Comparator.comparing(SnapshotView::createdAt))
                .toList(),
        false);
  }

  /** Removes the caller's snapshot {@code id}; sandboxes made from it run on. */
  public Future<Void> delete(String tenant, String id) {
    return worker.executeBlocking(
        () -> {
          store.delete(owned(tenant, id));
          return null;
        },
        false);
  }

  /** The caller's snapshot {@code id}; NOT_FOUND for an unknown id or another tenant's. Blocks. */
  SnapshotView owned(String tenant, String id) {
    if (id.isEmpty()) {
      throw SandboxError.invalid("snapshot_id is required");
    }
    return store
        .find(tenant, id)
        .orElseThrow(
            () ->
                new SandboxError(
                    SandboxError.Kind.NOT_FOUND,
                    "snapshot " + Labels.abbreviate(id) + " not found"));
  }

  SnapshotStore store() {
    return store;
  }

  private void reserve(String tenant) {
    List<SnapshotView> kept = store.list(tenant);
    long bytes = kept.stream().mapToLong(SnapshotView::sizeBytes).sum();
    synchronized (inFlight) {
      quota.admitAnother(kept.size() + inFlight.getOrDefault(tenant, 0), bytes);
      inFlight.merge(tenant, 1, Integer::sum);
    }
  }

  private void release(String tenant) {
    synchronized (inFlight) {
      inFlight.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
    }
  }
}
