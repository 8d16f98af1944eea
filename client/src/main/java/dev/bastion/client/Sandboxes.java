package dev.bastion.client;

import dev.bastion.api.v1.DeleteSnapshotRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.ListSnapshotsRequest;
import dev.bastion.api.v1.SandboxesGrpcClient;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Your tenant's sandboxes and snapshots: make one, find one, list them. Another tenant's do not
 * exist here.
 */
public final class Sandboxes {

  private final Transport transport;

  Sandboxes(Transport transport) {
    this.transport = transport;
  }

  /** Makes a sandbox and returns once it is ready to take calls. */
  public Sandbox create(SandboxSpec spec) {
    return Handoff.await("Sandboxes.create", () -> creating(spec));
  }

  /** {@link #create(SandboxSpec)} without waiting; the stage completes on the SDK's executor. */
  public CompletionStage<Sandbox> createAsync(SandboxSpec spec) {
    return Handoff.async(creating(spec), transport.executor());
  }

  /**
   * The sandbox {@code id}.
   *
   * @throws BastionException NOT_FOUND when you have no such sandbox
   */
  public Sandbox get(String id) {
    Checks.notBlank(id, "sandbox id");
    return Handoff.await(
        "Sandboxes.get",
        () ->
            transport
                .unary(
                    SandboxesGrpcClient.Get,
                    GetSandboxRequest.newBuilder().setSandboxId(id).build())
                .map(this::handle));
  }

  /** All your sandboxes. */
  public List<Sandbox> list() {
    return list("");
  }

  /**
   * Your sandboxes whose labels match {@code labelSelector}, as in Kubernetes: {@code "a=b,c!=d,e"}
   * (an empty selector matches all).
   */
  public List<Sandbox> list(String labelSelector) {
    Objects.requireNonNull(labelSelector, "labelSelector");
    return Handoff.await(
        "Sandboxes.list",
        () ->
            transport
                .unary(
                    SandboxesGrpcClient.List,
                    ListSandboxesRequest.newBuilder().setLabelSelector(labelSelector).build())
                .map(answer -> answer.getSandboxesList().stream().map(this::handle).toList()));
  }

  /** Your snapshots, oldest first. */
  public List<SnapshotInfo> snapshots() {
    return Handoff.await(
        "Sandboxes.snapshots",
        () ->
            transport
                .unary(SandboxesGrpcClient.ListSnapshots, ListSnapshotsRequest.getDefaultInstance())
                .map(answer -> answer.getSnapshotsList().stream().map(Protos::snapshot).toList()));
  }

  /**
   * Deletes your snapshot {@code id}; sandboxes made from it run on.
   *
   * @throws BastionException NOT_FOUND when you have no such snapshot
   */
  public void deleteSnapshot(String id) {
    Checks.notBlank(id, "snapshot id");
    Handoff.await(
        "Sandboxes.deleteSnapshot",
        () ->
            transport
                .unary(
                    SandboxesGrpcClient.DeleteSnapshot,
                    DeleteSnapshotRequest.newBuilder().setSnapshotId(id).build())
                .mapEmpty());
  }

  private Future<Sandbox> creating(SandboxSpec spec) {
    return transport.unary(SandboxesGrpcClient.Create, spec.toRequest()).map(this::handle);
  }

  private Sandbox handle(dev.bastion.api.v1.Sandbox sandbox) {
    return new Sandbox(transport, Protos.sandbox(sandbox));
  }
}
