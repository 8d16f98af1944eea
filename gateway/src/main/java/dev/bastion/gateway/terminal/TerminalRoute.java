package dev.bastion.gateway.terminal;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.PtySize;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.gateway.access.GatewayExecs;
import dev.bastion.gateway.access.SandboxCall;
import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.metrics.StreamKind;
import dev.bastion.gateway.web.JsonReplies;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * {@code GET /v1/sandboxes/{id}/terminal?cols=C&rows=R}: a shell in the sandbox on a
 * pseudo-terminal, over a WebSocket. Everything is checked before the upgrade, so a refusal is a
 * plain HTTP status: 403 for a foreign Origin or a policy's denial, 401 without a valid token, 400
 * for a bad size, 404 for a sandbox that is not the caller's, 409 for one not READY (suspended,
 * failed) with the reason, 429 past a limit; the body is the JSON APIs' error ({@link
 * JsonReplies}). The policy decides the tool {@value #TOOL} (argv: the login shell) and audits it.
 */
public final class TerminalRoute {

  /** The tool name policies decide a terminal as. */
  public static final String TOOL = "terminal.open";

  /**
   * The user's login shell: bash where the sandbox has it, else sh (an {@code exec} that fails ends
   * a POSIX shell, so the choice is made first).
   */
  static final List<String> LOGIN_SHELL =
      List.of(
          "/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l");

  /**
   * A terminal is not killed by sandboxd's default process timeout (minutes); it lives this long at
   * most (sandboxd's own ceiling), less where a policy sets maxExecSeconds.
   */
  static final long MAX_SECONDS = 86_400;

  private final Authenticator authenticator;
  private final GatewayExecs execs;
  private final TerminalSettings settings;

  public TerminalRoute(Authenticator authenticator, GatewayExecs execs, TerminalSettings settings) {
    this.authenticator = authenticator;
    this.execs = execs;
    this.settings = settings;
  }

  /** Whether {@code path} is a terminal's. */
  public static boolean handles(String path) {
    return TerminalHandshake.matches(path);
  }

  public void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      refuse(request, 405, "METHOD_NOT_ALLOWED", "a terminal is opened with GET");
      return;
    }
    TerminalHandshake handshake;
    try {
      handshake =
          TerminalHandshake.read(
              request.path(), request.headers(), request.params(), authenticator);
    } catch (TerminalRefused e) {
      refuse(request, e.status(), codeOf(e.status()), e.getMessage());
      return;
    }
    if (!request.canUpgradeToWebSocket()) {
      refuse(request, 400, "INVALID_ARGUMENT", "a terminal is a WebSocket: send an upgrade");
      return;
    }
    SandboxCall<ExecRequest, ExecEvent> exec;
    try {
      exec =
          execs.admit(
              handshake.tenant(), TOOL, StreamKind.TERMINAL, MAX_SECONDS, startOf(handshake));
    } catch (SandboxError e) {
      refuse(request, statusOf(e.kind()), e.kind().name(), e.getMessage());
      return;
    }
    request
        .toWebSocket()
        .onComplete(
            upgraded -> {
              if (upgraded.succeeded()) {
                new TerminalSession(upgraded.result(), exec, settings).start();
              } else {
                exec.close();
              }
            });
  }

  private static ExecRequest startOf(TerminalHandshake handshake) {
    return ExecRequest.newBuilder()
        .setStart(
            ExecStart.newBuilder()
                .setSandboxId(handshake.sandboxId())
                .addAllArgv(LOGIN_SHELL)
                .putEnv("TERM", "xterm-256color")
                .setPty(PtySize.newBuilder().setCols(handshake.cols()).setRows(handshake.rows()))
                .setStdin(true))
        .build();
  }

  private static int statusOf(SandboxError.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> 400;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNAVAILABLE -> 503;
      case UNIMPLEMENTED -> 501;
    };
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      default -> "INVALID_ARGUMENT";
    };
  }

  private static void refuse(HttpServerRequest request, int status, String code, String message) {
    JsonReplies.fail(request, status, code, message);
  }
}
