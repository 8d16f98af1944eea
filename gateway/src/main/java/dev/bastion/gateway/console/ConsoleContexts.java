package dev.bastion.gateway.console;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.ListContextsRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.gateway.access.SandboxdCalls;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.web.BoundedBody;
import dev.bastion.gateway.web.JsonReplies;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's code panel API: a sandbox's code contexts and the cells a person runs in them. Each
 * route is the Contexts method it names, taken through {@link SandboxdCalls} under the gRPC
 * method's tool name, so policy, limits, audit and tenancy are the same as an agent's:
 *
 * <ul>
 *   <li>{@code GET /v1/sandboxes/{id}/contexts}, {@code POST} with {@code {"language","cwd"}}
 *   <li>{@code POST /v1/sandboxes/{id}/contexts/{ctx}/interrupt} and {@code .../restart}, {@code
 *       DELETE /v1/sandboxes/{id}/contexts/{ctx}}
 *   <li>{@code POST /v1/sandboxes/{id}/code} with {@code {"code","context_id","language",
 *       "timeout_seconds"}}: the cell's events in order once it ends (a cell's output is capped by
 *       sandboxd, so the answer is bounded)
 * </ul>
 */
final class ConsoleContexts {

  /** Room for the longest cell policy lets through (1 Mi characters) with its JSON escapes. */
  static final int MAX_CELL_BODY = 2 * 1024 * 1024;

  static final int MAX_CONTEXT_BODY = 64 * 1024;

  static final Pattern ROUTE =
      Pattern.compile(
          "/v1/sandboxes/([^/]+)/(?:(code)|contexts(?:/([^/]+)(?:/(interrupt|restart))?)?)");

  private final SandboxdCalls calls;

  ConsoleContexts(SandboxdCalls calls) {
    this.calls = calls;
  }

  static boolean handles(String path) {
    return ROUTE.matcher(path).matches();
  }

  /** Answers {@code request}, already authenticated as {@code tenant}, or refuses it. */
  void handle(HttpServerRequest request, Tenant tenant) {
    Matcher route = ROUTE.matcher(request.path());
    if (!route.matches()) {
      throw new IllegalStateException("not a context route: " + request.path());
    }
    String id = route.group(1);
    String context = route.group(3);
    String action = route.group(4) == null ? "" : route.group(4);
    HttpMethod method = request.method();
    if (route.group(2) != null && method == HttpMethod.POST) {
      runCell(request, tenant, id);
    } else if (context == null && method == HttpMethod.GET) {
      JsonReplies.answer(
          request,
          calls
              .listContexts(tenant, ListContextsRequest.newBuilder().setSandboxId(id).build())
              .map(
                  listed ->
                      new JsonObject()
                          .put(
                              "contexts",
                              new JsonArray(
                                  listed.getContextsList().stream()
                                      .map(ConsoleContexts::context)
                                      .toList()))));
    } else if (context == null && method == HttpMethod.POST) {
      create(request, tenant, id);
    } else if (action.equals("interrupt") && method == HttpMethod.POST) {
      JsonReplies.answer(
          request,
          calls
              .interruptContext(tenant, contextRequest(id, context))
              .map(ConsoleContexts::context));
    } else if (action.equals("restart") && method == HttpMethod.POST) {
      JsonReplies.answer(
          request,
          calls
              .restartContext(tenant, "context.restart", contextRequest(id, context))
              .map(ConsoleContexts::context));
    } else if (context != null && action.isEmpty() && method == HttpMethod.DELETE) {
      JsonReplies.answer(
          request,
          calls
              .deleteContext(tenant, contextRequest(id, context))
              .map(new JsonObject().put("id", context).put("deleted", true)));
    } else {
      ConsoleApi.refuse(
          request,
          () ->
              JsonReplies.fail(
                  request,
                  405,
                  "INVALID_ARGUMENT",
                  method + " is not allowed on " + request.path() + " (see docs/CONSOLE.md)"));
    }
  }

  private void create(HttpServerRequest request, Tenant tenant, String id) {
    withBody(
        request,
        MAX_CONTEXT_BODY,
        json ->
            calls
                .createContext(
                    tenant,
                    "context.create",
                    CreateContextRequest.newBuilder()
                        .setSandboxId(id)
                        .setLanguage(json.getString("language", ""))
                        .setCwd(json.getString("cwd", ""))
                        .build())
                .map(ConsoleContexts::context));
  }

  private void runCell(HttpServerRequest request, Tenant tenant, String id) {
    withBody(
        request,
        MAX_CELL_BODY,
        json -> {
          String code = json.getString("code", "");
          if (code.isBlank()) {
            throw SandboxError.invalid("code is required: the cell to run");
          }
          return calls
              .runCode(
                  tenant,
                  "code.run",
                  RunCodeRequest.newBuilder()
                      .setSandboxId(id)
                      .setContextId(json.getString("context_id", ""))
                      .setLanguage(json.getString("language", ""))
                      .setCode(code)
                      .setTimeoutSeconds(json.getLong("timeout_seconds", 0L))
                      .build(),
                  0)
              .map(ConsoleContexts::cell);
        });
  }

  /**
   * Reads a JSON object body of at most {@code max} bytes and answers with what {@code call} makes
   * of it; a body that is too large or not a JSON object is refused as INVALID_ARGUMENT.
   */
  private static void withBody(
      HttpServerRequest request, int max, Function<JsonObject, Future<JsonObject>> call) {
    BoundedBody.read(request, max)
        .compose(body -> call.apply(object(body.toString(StandardCharsets.UTF_8))))
        .onComplete(
            done -> {
              if (done.succeeded()) {
                JsonReplies.ok(request, done.result());
              } else if (done.cause() instanceof BoundedBody.TooLarge) {
                ConsoleApi.refuse(
                    request,
                    () ->
                        JsonReplies.fail(
                            request,
                            413,
                            "INVALID_ARGUMENT",
                            "the request body is larger than " + max + " bytes"));
              } else {
                JsonReplies.failure(request, done.cause());
              }
            });
  }

  private static JsonObject object(String body) {
    try {
      return body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw SandboxError.invalid("the body must be a JSON object, e.g. {\"code\":\"1+1\"}");
    }
  }

  private static ContextRequest contextRequest(String sandbox, String context) {
    return ContextRequest.newBuilder().setSandboxId(sandbox).setContextId(context).build();
  }

  static JsonObject context(CodeContext context) {
    return new JsonObject()
        .put("id", context.getId())
        .put("language", context.getLanguage())
        .put("cwd", context.getCwd())
        .put("created_at", context.getCreatedAt())
        .put("alive", context.getAlive());
  }

  /**
   * A cell's events in the order they came, as the panel draws them, and its {@code done} as the
   * answer's own fields. Result data is passed as it came (binary types base64): the page decides
   * how each type is shown, and shows HTML only in a frame that runs no script.
   */
  static JsonObject cell(List<CodeEvent> events) {
    JsonArray shown = new JsonArray();
    JsonObject answer = new JsonObject();
    for (CodeEvent event : events) {
      switch (event.getEventCase()) {
        case STDOUT -> shown.add(new JsonObject().put("stdout", event.getStdout()));
        case STDERR -> shown.add(new JsonObject().put("stderr", event.getStderr()));
        case RESULT ->
            shown.add(
                new JsonObject()
                    .put(
                        "result",
                        new JsonObject()
                            .put(
                                "data",
                                new JsonObject(
                                    new TreeMap<String, Object>(event.getResult().getDataMap())))
                            .put("main", event.getResult().getIsMainResult())));
        case ERROR ->
            shown.add(
                new JsonObject()
                    .put(
                        "error",
                        new JsonObject()
                            .put("name", event.getError().getName())
                            .put("value", event.getError().getValue())
                            .put(
                                "traceback",
                                new JsonArray(List.copyOf(event.getError().getTracebackList())))));
        case DONE ->
            answer
                .put("context_id", event.getDone().getContextId())
                .put("execution_count", event.getDone().getExecutionCount())
                .put("duration_ms", event.getDone().getDurationMs())
                .put("timed_out", event.getDone().getTimedOut())
                .put("truncated", event.getDone().getTruncated());
        default -> {}
      }
    }
    return answer.put("events", shown);
  }
}
