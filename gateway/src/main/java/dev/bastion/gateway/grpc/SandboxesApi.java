package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxResponse;
import dev.bastion.api.v1.DeleteSnapshotResponse;
import dev.bastion.api.v1.ListSandboxesResponse;
import dev.bastion.api.v1.ListSnapshotsResponse;
import dev.bastion.api.v1.SandboxesGrpcService;
import dev.bastion.controller.sandbox.CreateRequest;
import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.gateway.access.GatedSandboxes;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.function.BiFunction;

/**
 * The Sandboxes service: lifecycle of the caller's own sandboxes, each call decided as the tool
 * {@code sandboxes.<method>} (see {@link GatedSandboxes}).
 */
public final class SandboxesApi implements Service {

  private final GatedSandboxes sandboxes;
  private final CallerTenant callers;

  public SandboxesApi(GatedSandboxes sandboxes, CallerTenant callers) {
    this.sandboxes = sandboxes;
    this.callers = callers;
  }

  @Override
  public ServiceName name() {
    return SandboxesGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return SandboxesGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Create),
        request ->
            unary(
                request,
                (tenant, create) ->
                    sandboxes
                        .create(tenant, toCreateRequest(tenant, create), "sandboxes.create")
                        .map(SandboxMessages::toProto)));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Get),
        request ->
            unary(
                request,
                (tenant, get) ->
                    Future.succeededFuture(
                        SandboxMessages.toProto(
                            sandboxes.get(tenant, get.getSandboxId(), "sandboxes.get")))));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.List),
        request ->
            unary(
                request,
                (tenant, list) -> {
                  LabelSelector selector = LabelSelector.parse(list.getLabelSelector());
                  ListSandboxesResponse.Builder response = ListSandboxesResponse.newBuilder();
                  sandboxes
                      .list(tenant, selector, "sandboxes.list")
                      .forEach(r -> response.addSandboxes(SandboxMessages.toProto(r)));
                  return Future.succeededFuture(response.build());
                }));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Delete),
        request ->
            unary(
                request,
                (tenant, delete) ->
                    sandboxes
                        .delete(tenant, delete.getSandboxId(), "sandboxes.delete")
                        .map(DeleteSandboxResponse.getDefaultInstance())));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Suspend),
        request ->
            unary(
                request,
                (tenant, suspend) ->
                    sandboxes
                        .suspend(tenant, suspend.getSandboxId(), "sandboxes.suspend")
                        .map(SandboxMessages::toProto)));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Resume),
        request ->
            unary(
                request,
                (tenant, resume) ->
                    sandboxes
                        .resume(tenant, resume.getSandboxId(), "sandboxes.resume")
                        .map(SandboxMessages::toProto)));
    bindSnapshots(server);
  }

  private void bindSnapshots(GrpcServer server) {
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Snapshot),
        request ->
            unary(
                request,
                (tenant, snapshot) ->
                    sandboxes
                        .snapshot(
                            tenant,
                            snapshot.getSandboxId(),
                            snapshot.getLabelsMap(),
                            "sandboxes.snapshot")
                        .map(SandboxMessages::toProto)));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.ListSnapshots),
        request ->
            unary(
                request,
                (tenant, list) ->
                    sandboxes
                        .listSnapshots(
                            tenant,
                            LabelSelector.parse(list.getLabelSelector()),
                            "sandboxes.list_snapshots")
                        .map(
                            found -> {
                              ListSnapshotsResponse.Builder response =
                                  ListSnapshotsResponse.newBuilder();
                              found.forEach(s -> response.addSnapshots(SandboxMessages.toProto(s)));
                              return response.build();
                            })));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.DeleteSnapshot),
        request ->
            unary(
                request,
                (tenant, delete) ->
                    sandboxes
                        .deleteSnapshot(tenant, delete.getSnapshotId(), "sandboxes.delete_snapshot")
                        .map(DeleteSnapshotResponse.getDefaultInstance())));
  }

  private static CreateRequest toCreateRequest(Tenant tenant, CreateSandboxRequest create) {
    return new CreateRequest(
        tenant.name(),
        create.getTemplate(),
        create.getWarmPool(),
        create.getLabelsMap(),
        create.getEnvMap(),
        create.getTimeoutSeconds(),
        create.getSnapshot());
  }

  /** Reads the one request, authenticates, runs {@code call} and answers with its result. */
  private <Req, Resp> void unary(
      GrpcServerRequest<Req, Resp> request, BiFunction<Tenant, Req, Future<Resp>> call) {
    OneRequest.await(
        request,
        message -> {
          Future<Resp> result;
          try {
            result = call.apply(callers.of(request), message);
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onComplete(
              done -> {
                if (done.succeeded()) {
                  request.response().end(done.result());
                } else {
                  GrpcErrors.fail(request.response(), done.cause());
                }
              });
        });
  }
}
