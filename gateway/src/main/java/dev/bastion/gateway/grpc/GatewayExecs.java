package dev.bastion.gateway.grpc;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.metrics.StreamKind;
import io.vertx.core.Future;
import io.vertx.grpc.client.GrpcClientRequest;

/**
 * Exec streams into a caller's sandbox that the gateway opens itself for callers that are not gRPC
 * streams (the WebSocket terminal), admitted, limited, audited and counted exactly as a forwarded
 * {@code Processes.Exec}: same owner and READY check, policy decision, process slot and metrics.
 */
public final class GatewayExecs {

  private final SandboxdAccess access;

  public GatewayExecs(SandboxdAccess access) {
    this.access = access;
  }

  /**
   * Decides the Exec whose first message is {@code start} as the tool {@code tool}, before anything
   * reaches the sandbox. Call it on an event loop.
   *
   * @param defaultTimeoutSeconds the timeout when {@code start} asks for none, lowered to a
   *     policy's maxExecSeconds
   * @throws dev.bastion.controller.sandbox.SandboxError when the sandbox is not the caller's
   *     (NOT_FOUND), not READY (FAILED_PRECONDITION), or policy refuses the call
   */
  public Admitted admit(
      Tenant tenant, String tool, StreamKind kind, long defaultTimeoutSeconds, ExecRequest start) {
    var route = ProcessesApi.exec(tool, kind, defaultTimeoutSeconds);
    return new Admitted(route, access.admit(tenant, route, start));
  }

  /** An admitted Exec; {@link #close} it exactly when it ends, however it ends. */
  public final class Admitted {

    private final Route<ExecRequest, ExecEvent> route;
    private final SandboxdAccess.Admitted<ExecRequest, ExecEvent> admitted;

    private Admitted(
        Route<ExecRequest, ExecEvent> route,
        SandboxdAccess.Admitted<ExecRequest, ExecEvent> admitted) {
      this.route = route;
      this.admitted = admitted;
    }

    /** The first message to send, with the sandbox's environment and the limits applied. */
    public ExecRequest first() {
      return admitted.guard().first();
    }

    /** Opens the stream to sandboxd; fails when the sandbox cannot be reached. */
    public Future<GrpcClientRequest<ExecRequest, ExecEvent>> connect() {
      return access.connect(admitted, route);
    }

    /** Counts a later request message (stdin). */
    public void onRequest(ExecRequest message) {
      admitted.guard().onRequest(message);
    }

    /** Counts a response message (output). */
    public void onResponse(ExecEvent message) {
      admitted.guard().onResponse(message);
    }

    /**
     * What became of the sandbox after its stream broke: the exited event of an out-of-memory stop,
     * or a failure with a one-line reason.
     */
    public Future<ExecEvent> lastWords() {
      return access.lastWords(admitted.sandbox(), route);
    }

    /** Gives back the process slot and closes the stream's metrics. Idempotent. */
    public void close() {
      admitted.guard().close();
    }
  }
}
