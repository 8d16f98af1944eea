package dev.bastion.gateway.grpc;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.controller.sandbox.SandboxPhase;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.controller.sandbox.SandboxdAddress;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.metrics.StreamMetrics;
import dev.bastion.gateway.policy.GatedSandboxes;
import dev.bastion.gateway.policy.ToolGate;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.util.Optional;

/**
 * The way into a caller's sandbox that every call to sandboxd takes, relayed for an agent's gRPC
 * call ({@link ForwardedCall}) or made by the gateway for an MCP tool ({@link SandboxdCalls}): the
 * sandbox must be the caller's and READY, policy decides the call before anything reaches it, and a
 * broken stream is explained by asking the runtime what became of the sandbox.
 */
public final class SandboxdAccess {

  /** How long a broken stream waits for the runtime to confirm whether the sandbox died. */
  private static final Duration VERDICT_PATIENCE = Duration.ofSeconds(2);

  /**
   * A call that may go ahead.
   *
   * @param sandbox the caller's sandbox the call is for
   * @param guard holds the call to its policy's limits; close it when the call ends
   */
  record Admitted<Req, Resp>(
      SandboxView sandbox, SandboxdAddress sandboxd, CallGuard<Req, Resp> guard) {}

  private final SandboxdClients clients;
  private final SandboxService sandboxes;
  private final ToolGate gate;
  private final StreamMetrics metrics;

  public SandboxdAccess(
      SandboxdClients clients, SandboxService sandboxes, ToolGate gate, StreamMetrics metrics) {
    this.clients = clients;
    this.sandboxes = sandboxes;
    this.gate = gate;
    this.metrics = metrics;
  }

  /**
   * Admits the call whose first message is {@code first}.
   *
   * @throws dev.bastion.controller.sandbox.SandboxError when the sandbox is not the caller's, not
   *     READY, or policy refuses the call
   */
  <Req, Resp> Admitted<Req, Resp> admit(Tenant tenant, Route<Req, Resp> route, Req first) {
    String sandboxId = GatedSandboxes.requireId(route.sandboxIdOf().apply(first));
    SandboxView sandbox = sandboxes.get(tenant.name(), sandboxId);
    return new Admitted<>(
        sandbox,
        sandboxes.sandboxdOfReady(sandbox),
        CallGuard.admit(gate, metrics, route, tenant, sandbox, first));
  }

  /**
   * Opens the admitted call's stream to sandboxd, on the calling event loop's connection; fails
   * when the sandbox cannot be reached.
   */
  <Req, Resp> Future<GrpcClientRequest<Req, Resp>> connect(
      Admitted<Req, Resp> call, Route<Req, Resp> route) {
    GrpcClient client = clients.current();
    SocketAddress address =
        switch (call.sandboxd()) {
          case SandboxdAddress.UnixSocket socket ->
              SocketAddress.domainSocketAddress(socket.path().toString());
          case SandboxdAddress.Tcp pod -> SocketAddress.inetSocketAddress(pod.port(), pod.host());
        };
    return client
        .request(address, route.target())
        .map(
            request -> {
              request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + call.sandboxd().token());
              return request;
            });
  }

  /**
   * What to tell the caller when sandboxd ended the call with a status other than OK. A refused
   * token means whatever answered is not this sandbox's sandboxd (its socket leads elsewhere): the
   * sandbox is unavailable, and the caller's own credentials are not in question.
   */
  static StatusException sandboxdStatus(String sandboxId, GrpcClientResponse<?, ?> response) {
    if (response.status() == GrpcStatus.UNAUTHENTICATED) {
      return new StatusException(
          GrpcStatus.UNAVAILABLE,
          "sandbox "
              + sandboxId
              + " is unavailable: what answers on its socket is not its sandboxd");
    }
    return new StatusException(response.status(), StatusMessages.of(response));
  }

  /**
   * Follows a stream opened by {@link #connect}: {@code answered} gets sandboxd's response when it
   * comes; {@code lost} runs when the stream breaks before it or instead of it.
   */
  public static <Req, Resp> void follow(
      GrpcClientRequest<Req, Resp> request,
      Handler<GrpcClientResponse<Req, Resp>> answered,
      Runnable lost) {
    request.exceptionHandler(ignored -> lost.run());
    request
        .response()
        .onComplete(
            response -> {
              if (response.succeeded()) {
                answered.handle(response.result());
              } else {
                lost.run();
              }
            });
  }

  /**
   * What to tell the caller when the stream to {@code sandbox} broke. The runtime is asked afresh
   * whether the sandbox died: an out-of-memory stop is the call's last message where the method has
   * a way to say so; anything else fails the future with UNAVAILABLE and the reason.
   */
  <Req, Resp> Future<Resp> lastWords(SandboxView sandbox, Route<Req, Resp> route) {
    String sandboxId = sandbox.id();
    return sandboxes
        .verifyAfterLoss(sandbox, VERDICT_PATIENCE)
        .transform(
            verified -> {
              SandboxView record = verified.succeeded() ? verified.result() : null;
              if (record == null || record.phase() == SandboxPhase.READY) {
                return Future.failedFuture(
                    new StatusException(
                        GrpcStatus.UNAVAILABLE, "lost the connection to sandbox " + sandboxId));
              }
              Optional<Resp> last =
                  SandboxService.failedFromOutOfMemory(record)
                      ? route.onOutOfMemory().apply(record)
                      : Optional.empty();
              return last.map(Future::succeededFuture)
                  .orElseGet(
                      () ->
                          Future.failedFuture(
                              new StatusException(
                                  GrpcStatus.UNAVAILABLE,
                                  "sandbox " + sandboxId + " stopped: " + record.message())));
            });
  }
}
