package dev.bastion.gateway.access;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.controller.sandbox.SandboxPhase;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.controller.sandbox.SandboxdAddress;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.util.Optional;

/**
 * One call into a sandbox that {@link SandboxdAccess} admitted: what the front end then talks to.
 * It opens the stream to the sandbox's sandboxd, holds each message to the policy's limits, and
 * explains a broken stream by asking the runtime what became of the sandbox.
 */
public final class SandboxCall<Req, Resp> {

  /** How long a broken stream waits for the runtime to confirm whether the sandbox died. */
  private static final Duration VERDICT_PATIENCE = Duration.ofSeconds(2);

  private final Route<Req, Resp> route;
  private final SandboxView sandbox;
  private final SandboxdAddress sandboxd;
  private final CallGuard<Req, Resp> guard;
  private final SandboxdClients clients;
  private final SandboxService sandboxes;

  SandboxCall(
      Route<Req, Resp> route,
      SandboxView sandbox,
      SandboxdAddress sandboxd,
      CallGuard<Req, Resp> guard,
      SandboxdClients clients,
      SandboxService sandboxes) {
    this.route = route;
    this.sandbox = sandbox;
    this.sandboxd = sandboxd;
    this.guard = guard;
    this.clients = clients;
    this.sandboxes = sandboxes;
  }

  /** The id of the caller's sandbox the call is for. */
  public String sandboxId() {
    return sandbox.id();
  }

  /** The first message to send, with the sandbox's environment and the limits applied. */
  public Req first() {
    return guard.first();
  }

  /** Checks a later request message; throws a SandboxError when it goes past a limit. */
  public void onRequest(Req message) {
    guard.onRequest(message);
  }

  /** Checks a response message; throws a SandboxError when it goes past a limit. */
  public void onResponse(Resp message) {
    guard.onResponse(message);
  }

  /** Gives back what the call held (a process slot) and closes its metrics. Idempotent. */
  public void close() {
    guard.close();
  }

  /**
   * Opens the call's stream to sandboxd, on the calling event loop's connection; fails when the
   * sandbox cannot be reached.
   */
  public Future<GrpcClientRequest<Req, Resp>> connect() {
    SocketAddress address =
        switch (sandboxd) {
          case SandboxdAddress.UnixSocket socket ->
              SocketAddress.domainSocketAddress(socket.path().toString());
          case SandboxdAddress.Tcp pod -> SocketAddress.inetSocketAddress(pod.port(), pod.host());
        };
    return clients
        .current()
        .request(address, route.target())
        .map(
            request -> {
              request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + sandboxd.token());
              return request;
            });
  }

  /**
   * Follows a stream opened by {@link #connect}: {@code answered} gets sandboxd's response when it
   * comes; {@code lost} runs when the stream breaks before it or instead of it.
   */
  public void follow(
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
   * What to tell the caller when sandboxd ended the call with a status other than OK. A refused
   * token means whatever answered is not this sandbox's sandboxd (its socket leads elsewhere): the
   * sandbox is unavailable, and the caller's own credentials are not in question.
   */
  public StatusException sandboxdStatus(GrpcClientResponse<?, ?> response) {
    if (response.status() == GrpcStatus.UNAUTHENTICATED) {
      return new StatusException(
          GrpcStatus.UNAVAILABLE,
          "sandbox "
              + sandbox.id()
              + " is unavailable: what answers on its socket is not its sandboxd");
    }
    return new StatusException(response.status(), StatusMessages.of(response));
  }

  /**
   * What to tell the caller when the stream to the sandbox broke. The runtime is asked afresh
   * whether the sandbox died: an out-of-memory stop is the call's last message where the method has
   * a way to say so; anything else fails the future with UNAVAILABLE and the reason.
   */
  public Future<Resp> lastWords() {
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
