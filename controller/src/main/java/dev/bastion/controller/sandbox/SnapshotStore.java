package dev.bastion.controller.sandbox;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where snapshots of running sandboxes are made and kept: files on this machine in embedded mode;
 * nowhere on Kubernetes, whose pods cannot be checkpointed by us ({@link #UNSUPPORTED}). Tenancy
 * and quotas are {@link SandboxSnapshots}'; calls block.
 */
public interface SnapshotStore {

  /** Refuses every call: Kubernetes mode. */
  SnapshotStore UNSUPPORTED = new Unsupported();

  /**
   * Saves the memory, processes and /workspace of {@code source}, which keeps running, as snapshot
   * {@code id} of {@code tenant}.
   */
  SnapshotView take(Sandbox source, String tenant, String id, Map<String, String> labels);

  /** The tenant's snapshots, oldest first. */
  List<SnapshotView> list(String tenant);

  /** The tenant's snapshot {@code id}, if it has one by that id. */
  Optional<SnapshotView> find(String tenant, String id);

  /** The spec of the sandbox snapshot {@code id} was taken of, which a copy runs with. */
  SandboxSpec specOf(SnapshotView snapshot);

  /** Removes the tenant's snapshot {@code id}; copies made from it run on. */
  void delete(SnapshotView snapshot);

  /** Kubernetes mode: upstream's suspend keeps only volumes, and pods cannot be forked here. */
  final class Unsupported implements SnapshotStore {

    private static SandboxError refusal() {
      return SandboxError.unimplemented(
          "snapshots need embedded mode (gVisor checkpoints on this machine); on Kubernetes a"
              + " sandbox's pod cannot be saved or forked, and Suspend keeps only its volumes");
    }

    @Override
    public SnapshotView take(Sandbox source, String tenant, String id, Map<String, String> labels) {
      throw refusal();
    }

    @Override
    public List<SnapshotView> list(String tenant) {
      throw refusal();
    }

    @Override
    public Optional<SnapshotView> find(String tenant, String id) {
      throw refusal();
    }

    @Override
    public SandboxSpec specOf(SnapshotView snapshot) {
      throw refusal();
    }

    @Override
    public void delete(SnapshotView snapshot) {
      throw refusal();
    }
  }
}
