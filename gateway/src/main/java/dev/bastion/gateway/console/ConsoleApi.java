package dev.bastion.gateway.console;

import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.controller.sandbox.CreateRequest;
import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.access.FileStreams;
import dev.bastion.gateway.access.GatedSandboxes;
import dev.bastion.gateway.access.SandboxdCalls;
import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.web.BoundedBody;
import dev.bastion.gateway.web.JsonReplies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON API the web console (and curl) uses for a caller's sandboxes: list, create, suspend,
 * resume and delete them, move files in and out, read the audit log's recent decisions about one,
 * and run code in its contexts ({@link ConsoleContexts}). Every call is the caller's (a bearer
 * token in {@code Authorization}; no cookies, so no cross-site requests can ride on a session) and
 * is decided by policy under the gRPC method's tool name, through the same {@link GatedSandboxes}
 * and sandboxd routes: another tenant's sandbox is NOT_FOUND on every route. Errors are {@link
 * JsonReplies}'.
 */
public final class ConsoleApi {

  /** The largest create request body. */
  static final int MAX_CREATE_BODY = 64 * 1024;

  /** How many audit decisions one request may ask for, and how many it gets by default. */
  static final int MAX_AUDIT_LIMIT = 500;

  static final int DEFAULT_AUDIT_LIMIT = 50;

  /** The most of a refused request's body read (and dropped) to keep its connection. */
  static final long MAX_DISCARDED = 16L * 1024 * 1024;

  private static final Pattern ROUTE =
      Pattern.compile("/v1/sandboxes(?:/([^/]+)(?:/(suspend|resume|files|files/list|audit))?)?");

  private final Authenticator authenticator;
  private final GatedSandboxes sandboxes;
  private final SandboxdCalls calls;
  private final FileStreams files;
  private final ConsoleContexts contexts;
  private final AuditTail audit;
  private final Clock clock;

  /**
   * @param auditLog the audit log file whose recent decisions the console shows
   */
  public ConsoleApi(
      Authenticator authenticator,
      GatedSandboxes sandboxes,
      SandboxdCalls calls,
      FileStreams files,
      Path auditLog,
      Clock clock) {
    this.authenticator = authenticator;
    this.sandboxes = sandboxes;
    this.calls = calls;
    this.files = files;
    this.contexts = new ConsoleContexts(calls);
    this.audit = new AuditTail(auditLog);
    this.clock = clock;
  }

  /** Whether {@code path} is one of this API's routes. */
  public static boolean handles(String path) {
    return ROUTE.matcher(path).matches() || ConsoleContexts.handles(path);
  }

  public void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.PUT) {
      // An upload's body waits, unread, until the call is admitted and sandboxd is ready for it.
      request.pause();
    }
    Optional<Tenant> tenant = authenticator.authenticate(request.getHeader("authorization"));
    if (tenant.isEmpty()) {
      refuse(request, () -> JsonReplies.unauthenticated(request));
      return;
    }
    if (ConsoleContexts.handles(request.path())) {
      try {
        contexts.handle(request, tenant.get());
      } catch (RuntimeException e) {
        refuse(request, () -> JsonReplies.failure(request, e));
      }
      return;
    }
    Matcher route = ROUTE.matcher(request.path());
    if (!route.matches()) {
      throw new IllegalStateException("not a console route: " + request.path());
    }
    String id = route.group(1);
    String action = route.group(2) == null ? "" : route.group(2);
    HttpMethod method = request.method();
    try {
      if (id == null && method == HttpMethod.GET) {
        list(request, tenant.get());
      } else if (id == null && method == HttpMethod.POST) {
        create(request, tenant.get());
      } else if (id != null && action.isEmpty() && method == HttpMethod.GET) {
        answer(request, Future.succeededFuture(sandboxes.get(tenant.get(), id, "sandboxes.get")));
      } else if (id != null && action.isEmpty() && method == HttpMethod.DELETE) {
        deleted(request, sandboxes.delete(tenant.get(), id, "sandboxes.delete"), id);
      } else if (action.equals("suspend") && method == HttpMethod.POST) {
        answer(request, sandboxes.suspend(tenant.get(), id, "sandboxes.suspend"));
      } else if (action.equals("resume") && method == HttpMethod.POST) {
        answer(request, sandboxes.resume(tenant.get(), id, "sandboxes.resume"));
      } else if (action.equals("files") && method == HttpMethod.GET) {
        download(request, tenant.get(), id);
      } else if (action.equals("files") && method == HttpMethod.PUT) {
        upload(request, tenant.get(), id);
      } else if (action.equals("files/list") && method == HttpMethod.GET) {
        listFiles(request, tenant.get(), id);
      } else if (action.equals("audit") && method == HttpMethod.GET) {
        recentDecisions(request, tenant.get(), id);
      } else {
        refuse(
            request,
            () ->
                JsonReplies.fail(
                    request,
                    405,
                    "INVALID_ARGUMENT",
                    method + " is not allowed on " + request.path() + " (see docs/CONSOLE.md)"));
      }
    } catch (RuntimeException e) {
      refuse(request, () -> JsonReplies.failure(request, e));
    }
  }

  private void list(HttpServerRequest request, Tenant tenant) {
    String selector = request.getParam("label_selector", "");
    JsonArray items = new JsonArray();
    sandboxes
        .list(tenant, LabelSelector.parse(selector), "sandboxes.list")
        .forEach(sandbox -> items.add(ConsoleJson.sandbox(sandbox, clock.instant())));
    JsonReplies.ok(request, new JsonObject().put("sandboxes", items));
  }

  private void create(HttpServerRequest request, Tenant tenant) {
    BoundedBody.read(request, MAX_CREATE_BODY)
        .compose(
            body -> {
              CreateRequest wanted = createRequest(tenant, body.toString(StandardCharsets.UTF_8));
              return sandboxes.create(tenant, wanted, "sandboxes.create");
            })
        .onComplete(
            created -> {
              if (created.succeeded()) {
                JsonReplies.ok(request, ConsoleJson.sandbox(created.result(), clock.instant()));
              } else if (created.cause() instanceof BoundedBody.TooLarge) {
                refuse(
                    request,
                    () ->
                        JsonReplies.fail(
                            request,
                            413,
                            "INVALID_ARGUMENT",
                            "the request body is larger than " + MAX_CREATE_BODY + " bytes"));
              } else {
                JsonReplies.failure(request, created.cause());
              }
            });
  }

  /** {@code {"template": T} or {"warm_pool": P}}, with optional labels, env and timeout. */
  private static CreateRequest createRequest(Tenant tenant, String body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
      return new CreateRequest(
          tenant.name(),
          json.getString("template", ""),
          json.getString("warm_pool", ""),
          strings(json.getJsonObject("labels")),
          strings(json.getJsonObject("env")),
          json.getLong("timeout_seconds", 0L));
    } catch (DecodeException | ClassCastException e) {
      throw SandboxError.invalid(
          "the body must be a JSON object like {\"template\":\"python\"} or"
              + " {\"warm_pool\":\"python\"}");
    }
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> values = new HashMap<>();
    if (json != null) {
      json.forEach(entry -> values.put(entry.getKey(), (String) entry.getValue()));
    }
    return values;
  }

  private void download(HttpServerRequest request, Tenant tenant, String id) {
    String path = requiredPath(request);
    HttpServerResponse response = request.response();
    files
        .read(
            tenant,
            "files.read",
            ReadFileRequest.newBuilder().setSandboxId(id).setPath(path).build(),
            response,
            () ->
                response
                    .setChunked(true)
                    .putHeader("content-type", "application/octet-stream")
                    .putHeader("content-disposition", attachment(path))
                    .putHeader("x-content-type-options", "nosniff"))
        .onComplete(
            done -> {
              if (done.succeeded()) {
                response.end();
              } else if (response.headWritten()) {
                // Part of the file is out with a 200: cutting the stream is the only way to say
                // the rest is not coming.
                response.reset();
              } else {
                JsonReplies.failure(request, done.cause());
              }
            });
  }

  /**
   * A Content-Disposition naming the file as saved: a plain-ASCII fallback and the exact UTF-8 name
   * (RFC 6266), so no quote or line break in a sandbox's file name reaches the header raw.
   */
  static String attachment(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty()) {
      name = "download";
    }
    String ascii = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return "attachment; filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void upload(HttpServerRequest request, Tenant tenant, String id) {
    String path = requiredPath(request);
    files
        .write(
            tenant,
            "files.write",
            WriteFileHeader.newBuilder().setSandboxId(id).setPath(path).build(),
            request)
        .onComplete(
            written -> {
              if (written.succeeded()) {
                JsonReplies.ok(request, ConsoleJson.file(written.result()));
              } else {
                refuse(request, () -> JsonReplies.failure(request, written.cause()));
              }
            });
  }

  private void listFiles(HttpServerRequest request, Tenant tenant, String id) {
    String path = request.getParam("path", "/workspace");
    JsonReplies.answer(
        request,
        calls
            .list(
                tenant,
                "files.list",
                ListFilesRequest.newBuilder().setSandboxId(id).setPath(path).build())
            .map(
                listed -> {
                  JsonArray entries = new JsonArray();
                  listed.getFilesList().forEach(info -> entries.add(ConsoleJson.file(info)));
                  return new JsonObject().put("path", path).put("files", entries);
                }));
  }

  /**
   * Reading what policy decided about a sandbox reveals as much as reading the sandbox, so it is
   * decided as {@code sandboxes.get}, and only the caller's own decisions are shown.
   */
  private void recentDecisions(HttpServerRequest request, Tenant tenant, String id) {
    int limit = auditLimit(request.getParam("limit"));
    SandboxView sandbox = sandboxes.get(tenant, id, "sandboxes.get");
    JsonReplies.answer(
        request,
        Vertx.currentContext()
            .executeBlocking(() -> audit.recent(tenant.name(), sandbox.id(), limit))
            .map(
                decisions ->
                    decisions
                        .map(
                            found ->
                                new JsonObject()
                                    .put("audit_log", true)
                                    .put("decisions", new JsonArray(List.copyOf(found))))
                        .orElseGet(
                            () ->
                                new JsonObject()
                                    .put("audit_log", false)
                                    .put("message", "this server has no audit log yet")
                                    .put("decisions", new JsonArray()))));
  }

  private static int auditLimit(String value) {
    if (value == null) {
      return DEFAULT_AUDIT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_AUDIT_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Refused below, as any other value out of range.
    }
    throw SandboxError.invalid("limit must be a number from 1 to " + MAX_AUDIT_LIMIT);
  }

  private static String requiredPath(HttpServerRequest request) {
    String path = request.getParam("path");
    if (path == null || path.isEmpty()) {
      throw SandboxError.invalid("the query parameter path is required, e.g. ?path=/workspace/a");
    }
    return path;
  }

  private void answer(HttpServerRequest request, Future<SandboxView> result) {
    JsonReplies.answer(
        request, result.map(sandbox -> ConsoleJson.sandbox(sandbox, clock.instant())));
  }

  private static void deleted(HttpServerRequest request, Future<Void> result, String id) {
    JsonReplies.answer(request, result.map(new JsonObject().put("id", id).put("deleted", true)));
  }

  /**
   * Answers a request refused before its body was read (or while it was). An HTTP/1 connection can
   * only carry the next request once this body is through: up to {@link #MAX_DISCARDED} bytes are
   * read and dropped, so the caller gets the answer rather than a reset connection; past that the
   * connection is closed.
   */
  static void refuse(HttpServerRequest request, Runnable answer) {
    answer.run();
    boolean hasBody = request.method() == HttpMethod.PUT || request.method() == HttpMethod.POST;
    if (!hasBody || request.isEnded() || request.version() == HttpVersion.HTTP_2) {
      return;
    }
    long[] discarded = {0};
    request.handler(
        chunk -> {
          discarded[0] += chunk.length();
          if (discarded[0] > MAX_DISCARDED) {
            request.connection().close();
          }
        });
    request.exceptionHandler(ignored -> {});
    request.resume();
  }
}
