package dev.bastion.gateway.grpc;

import com.google.protobuf.Descriptors;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxResponse;
import dev.bastion.api.v1.ListSandboxesResponse;
import dev.bastion.api.v1.SandboxesGrpcService;
import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyDecision;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.CreateRequest;
import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.policy.ToolGate;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.function.BiFunction;

/**
 * The Sandboxes service: lifecycle of the caller's own sandboxes. Each call is decided by policy
 * after the sandbox is found to be the caller's (another tenant's is NOT_FOUND, whatever policies
 * say) and before anything changes.
 */
public final class SandboxesApi implements Service {

  private final SandboxService sandboxes;
  private final CallerTenant callers;
  private final ToolGate gate;

  public SandboxesApi(SandboxService sandboxes, CallerTenant callers, ToolGate gate) {
    this.sandboxes = sandboxes;
    this.callers = callers;
    this.gate = gate;
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
                (tenant, create) -> {
                  CreateRequest wanted = toCreateRequest(tenant, create);
                  PolicyDecision decision =
                      gate.admit(
                          tenant,
                          new ToolGate.Target("", wanted.labels(), sandboxes.templateOf(wanted)),
                          ToolCall.of("sandboxes.create"));
                  return sandboxes
                      .create(wanted, decision.limits().get(Limit.MAX_SANDBOXES))
                      .map(SandboxMessages::toProto);
                }));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Get),
        request ->
            unary(
                request,
                (tenant, get) ->
                    Future.succeededFuture(
                        SandboxMessages.toProto(
                            admitted(tenant, get.getSandboxId(), "sandboxes.get")))));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.List),
        request ->
            unary(
                request,
                (tenant, list) -> {
                  LabelSelector selector = LabelSelector.parse(list.getLabelSelector());
                  gate.admit(tenant, ToolGate.Target.NONE, ToolCall.of("sandboxes.list"));
                  ListSandboxesResponse.Builder response = ListSandboxesResponse.newBuilder();
                  sandboxes
                      .list(tenant.name(), selector)
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
                        .delete(
                            tenant.name(),
                            admitted(tenant, delete.getSandboxId(), "sandboxes.delete").id())
                        .map(DeleteSandboxResponse.getDefaultInstance())));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Suspend),
        request ->
            unary(
                request,
                (tenant, suspend) ->
                    sandboxes
                        .suspend(
                            tenant.name(),
                            admitted(tenant, suspend.getSandboxId(), "sandboxes.suspend").id())
                        .map(SandboxMessages::toProto)));
    server.callHandler(
        Undecodable.asNull(SandboxesGrpcService.Resume),
        request ->
            unary(
                request,
                (tenant, resume) ->
                    sandboxes
                        .resume(
                            tenant.name(),
                            admitted(tenant, resume.getSandboxId(), "sandboxes.resume").id())
                        .map(SandboxMessages::toProto)));
  }

  /** The caller's sandbox {@code id}, once policy has allowed {@code tool} on it. */
  private SandboxView admitted(Tenant tenant, String id, String tool) {
    SandboxView sandbox = sandboxes.get(tenant.name(), requireId(id));
    gate.admit(tenant, ToolGate.Target.of(sandbox), ToolCall.of(tool));
    return sandbox;
  }

  private static CreateRequest toCreateRequest(Tenant tenant, CreateSandboxRequest create) {
    return new CreateRequest(
        tenant.name(),
        create.getTemplate(),
        create.getWarmPool(),
        create.getLabelsMap(),
        create.getEnvMap(),
        create.getTimeoutSeconds());
  }

  static String requireId(String id) {
    if (id.isEmpty()) {
      throw GrpcErrors.invalid("sandbox_id is required");
    }
    return id;
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
