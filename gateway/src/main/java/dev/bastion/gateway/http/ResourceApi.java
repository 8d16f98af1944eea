package dev.bastion.gateway.http;

import dev.bastion.controller.SandboxController;
import dev.bastion.controller.admin.ResourceAdmin;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.policy.Limit;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.policy.ToolGate;
import dev.bastion.gateway.web.BoundedBody;
import dev.bastion.gateway.web.JsonReplies;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API behind {@code bastion apply/get/delete}: {@code POST /v1/apply} (a YAML body),
 * {@code GET /v1/resources/KIND[/NAME]} and {@code DELETE /v1/resources/KIND/NAME}. Answers JSON;
 * errors are {@code {"code":"PERMISSION_DENIED","message":"..."}} with the matching HTTP status.
 */
public final class ResourceApi {

  /** The largest manifest file accepted. */
  public static final int MAX_BODY = 1024 * 1024;

  private static final String RESOURCES = "/v1/resources/";

  private final SandboxController controller;
  private final Authenticator authenticator;
  private final ToolGate gate;

  public ResourceApi(SandboxController controller, Authenticator authenticator, ToolGate gate) {
    this.controller = controller;
    this.authenticator = authenticator;
    this.gate = gate;
  }

  /** Whether {@code path} is this API's. */
  public static boolean handles(String path) {
    return path.equals("/v1/apply") || path.startsWith(RESOURCES);
  }

  public void handle(HttpServerRequest request) {
    Optional<Tenant> tenant = authenticator.authenticate(request.getHeader("authorization"));
    if (tenant.isEmpty()) {
      request.resume();
      JsonReplies.unauthenticated(request);
      return;
    }
    if (controller.admin().isEmpty()) {
      request.resume();
      JsonReplies.fail(
          request,
          501,
          "UNIMPLEMENTED",
          "this gateway serves a Kubernetes namespace: apply, get and delete objects with kubectl");
      return;
    }
    ResourceAdmin admin = controller.admin().get();
    ResourceAdmin.Caller caller =
        new ResourceAdmin.Caller(tenant.get().name(), tenant.get().admin());
    String path = request.path();
    if (path.equals("/v1/apply") && request.method() == HttpMethod.POST) {
      apply(request, admin, caller, tenant.get());
      return;
    }
    request.resume();
    List<String> parts = segments(path.substring(RESOURCES.length()));
    if (request.method() == HttpMethod.GET && (parts.size() == 1 || parts.size() == 2)) {
      String kind = parts.get(0);
      Optional<String> name = parts.size() == 2 ? Optional.of(parts.get(1)) : Optional.empty();
      JsonReplies.answer(
          request,
          controller.blocking(
              () -> {
                if (name.isEmpty() && ResourceAdmin.isAgentKind(kind)) {
                  admit(tenant.get(), null, "sandboxes.list");
                }
                List<HasMetadata> objects = admin.get(caller, kind, name);
                if (name.isPresent()) {
                  admit(tenant.get(), objects.get(0), "sandboxes.get");
                }
                return list(objects);
              }));
    } else if (request.method() == HttpMethod.DELETE && parts.size() == 2) {
      JsonReplies.answer(
          request,
          controller.blocking(
              () ->
                  new JsonObject()
                      .put(
                          "kind",
                          admin.delete(
                              caller,
                              parts.get(0),
                              parts.get(1),
                              object -> admit(tenant.get(), object, "sandboxes.delete")))
                      .put("name", parts.get(1))
                      .put("action", "deleted")));
    } else {
      JsonReplies.fail(
          request,
          405,
          "INVALID_ARGUMENT",
          "use POST /v1/apply, GET or DELETE /v1/resources/KIND/NAME");
    }
  }

  private void apply(
      HttpServerRequest request, ResourceAdmin admin, ResourceAdmin.Caller caller, Tenant tenant) {
    BoundedBody.read(request, MAX_BODY)
        .onComplete(
            read -> {
              if (read.failed()) {
                if (read.cause() instanceof BoundedBody.TooLarge) {
                  JsonReplies.fail(
                      request, 413, "INVALID_ARGUMENT", "the file is larger than 1 MiB");
                  request.connection().close();
                }
                return;
              }
              String yaml = read.result().toString(StandardCharsets.UTF_8);
              JsonReplies.answer(
                  request,
                  controller.blocking(
                      () -> {
                        JsonArray results = new JsonArray();
                        admin
                            .apply(
                                caller, yaml, object -> admit(tenant, object, "sandboxes.create"))
                            .forEach(
                                applied ->
                                    results.add(
                                        new JsonObject()
                                            .put("kind", applied.kind())
                                            .put("name", applied.name())
                                            .put("action", applied.action())));
                        return new JsonObject().put("results", results);
                      }));
            });
  }

  /**
   * Applying, reading or deleting a Sandbox or claim here does what the Sandboxes API does, so the
   * same policies decide it: otherwise this API would be a way around them. Other kinds are the
   * operators' (admin-only where it matters) and not decided.
   *
   * @param target the object whose labels and template the policy sees; null for a listing
   * @return the policies' bound on the tenant's sandboxes, which an apply must keep as Create does
   */
  private Optional<PolicyLimits.Bound> admit(Tenant tenant, HasMetadata target, String tool) {
    if (target != null && !(target instanceof Sandbox) && !(target instanceof SandboxClaim)) {
      return Optional.empty();
    }
    ToolGate.Target seen = ToolGate.Target.NONE;
    if (target != null) {
      String template =
          target instanceof SandboxClaim claim
              ? controller.sandboxes().templateOfPool(claim.getSpec().getWarmPoolRef().getName())
              : "";
      Map<String, String> labels =
          target.getMetadata().getLabels() == null ? Map.of() : target.getMetadata().getLabels();
      seen = new ToolGate.Target(target.getMetadata().getName(), labels, template);
    }
    return gate.admit(tenant, seen, ToolCall.of(tool)).limits().get(Limit.MAX_SANDBOXES);
  }

  private static JsonObject list(List<HasMetadata> objects) {
    JsonArray items = new JsonArray();
    String kind = "";
    for (HasMetadata object : objects) {
      kind = object.getKind();
      items.add(new JsonObject(ModelSerialization.toJson(object)));
    }
    return new JsonObject().put("kind", kind).put("items", items);
  }

  private static List<String> segments(String path) {
    return java.util.Arrays.stream(path.split("/", -1))
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
        .toList();
  }
}
