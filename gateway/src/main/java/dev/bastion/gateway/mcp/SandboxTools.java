package dev.bastion.gateway.mcp;

import dev.bastion.controller.sandbox.CreateRequest;
import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.controller.sandbox.SandboxPhase;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.access.GatedSandboxes;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox lifecycle tools: {@code create_sandbox}, {@code list_sandboxes} and {@code
 * delete_sandbox}, decided by policy under those names as the Sandboxes API's methods are under
 * theirs.
 */
final class SandboxTools {

  /** The longest lifetime create_sandbox offers: the server's own maximum (a week). */
  private static final long MAX_LIFETIME_SECONDS = 7L * 24 * 3600;

  private static final int MAX_LABELS = 64;
  private static final int LABEL_KEY_LENGTH = 317;
  private static final int LABEL_VALUE_LENGTH = 63;
  private static final int SELECTOR_LENGTH = 4096;

  private final GatedSandboxes sandboxes;
  private final McpJsonMapper json;

  SandboxTools(GatedSandboxes sandboxes, McpJsonMapper json) {
    this.sandboxes = sandboxes;
    this.json = json;
  }

  List<BastionTool> tools() {
    return List.of(create(), list(), delete());
  }

  private BastionTool create() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put(
                    "template",
                    Schemas.string(
                        "Template to start a new sandbox from, e.g. \"python\" (a cold start of a"
                            + " few seconds). Give exactly one of template, warm_pool and snapshot.",
                        1,
                        Schemas.NAME_LENGTH))
                .put(
                    "warm_pool",
                    Schemas.string(
                        "Warm pool to take an already running sandbox from, e.g. \"python\""
                            + " (milliseconds while the pool has one ready). Give exactly one of"
                            + " template, warm_pool and snapshot.",
                        1,
                        Schemas.NAME_LENGTH))
                .put(
                    "snapshot",
                    Schemas.string(
                        "Id of a snapshot (snapshot_sandbox) to continue from: the new sandbox"
                            + " runs the snapshot's processes on, with its own copy of /workspace."
                            + " Give exactly one of template, warm_pool and snapshot.",
                        1,
                        Schemas.NAME_LENGTH))
                .put(
                    "labels",
                    Schemas.stringMap(
                        "Labels for the sandbox (Kubernetes syntax), to find it again with"
                            + " list_sandboxes",
                        MAX_LABELS,
                        new JsonObject().put("minLength", 1).put("maxLength", LABEL_KEY_LENGTH),
                        LABEL_VALUE_LENGTH))
                .put(
                    "timeout_seconds",
                    Schemas.integer(
                        "Lifetime in seconds, after which the sandbox is deleted; default: the"
                            + " server's (an hour)",
                        1,
                        MAX_LIFETIME_SECONDS)));
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "create_sandbox",
            "Create a sandbox",
            "Creates an isolated Linux sandbox (gVisor, no network, python3 and bash) for running"
                + " code, and returns when it is ready. Files live in /workspace until the sandbox"
                + " is deleted.",
            input,
            sandbox(),
            new McpSchema.ToolAnnotations(null, false, false, false, false, null)),
        (tenant, arguments) ->
            sandboxes
                .create(
                    tenant,
                    new CreateRequest(
                        tenant.name(),
                        arguments.string("template", ""),
                        arguments.string("warm_pool", ""),
                        arguments.stringMap("labels"),
                        Map.of(),
                        arguments.integer("timeout_seconds", 0),
                        arguments.string("snapshot", "")),
                    "create_sandbox")
                .map(SandboxTools::summary));
  }

  private BastionTool list() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put(
                    "label_selector",
                    Schemas.string(
                        "Only sandboxes whose labels match, e.g. \"team=research,!scratch\"",
                        0,
                        SELECTOR_LENGTH)));
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("sandboxes", new JsonObject().put("type", "array").put("items", sandbox())),
            "sandboxes");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "list_sandboxes",
            "List sandboxes",
            "Lists the caller's sandboxes, oldest first.",
            input,
            output,
            new McpSchema.ToolAnnotations(null, true, false, true, false, null)),
        (tenant, arguments) -> {
          LabelSelector selector = LabelSelector.parse(arguments.string("label_selector", ""));
          List<Object> found =
              sandboxes.list(tenant, selector, "list_sandboxes").stream()
                  .map(SandboxTools::summary)
                  .map(Object.class::cast)
                  .toList();
          return Future.succeededFuture(Map.of("sandboxes", found));
        });
  }

  private BastionTool delete() {
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("sandbox_id", Schemas.type("string"))
                .put("deleted", Schemas.type("boolean")),
            "sandbox_id",
            "deleted");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "delete_sandbox",
            "Delete a sandbox",
            "Deletes a sandbox with its processes and files, and returns when it is gone.",
            Schemas.input(new JsonObject().put("sandbox_id", Schemas.sandboxId()), "sandbox_id"),
            output,
            new McpSchema.ToolAnnotations(null, false, true, true, false, null)),
        (tenant, arguments) -> {
          String id = arguments.string("sandbox_id");
          return sandboxes
              .delete(tenant, id, "delete_sandbox")
              .map(ignored -> Map.<String, Object>of("sandbox_id", id, "deleted", true));
        });
  }

  /** What clients are told of a sandbox. */
  private static JsonObject sandbox() {
    return Schemas.output(
        new JsonObject()
            .put("id", Schemas.type("string"))
            .put("template", Schemas.type("string"))
            .put("warm_pool", Schemas.type("string"))
            .put(
                "labels",
                Schemas.type("object").put("additionalProperties", Schemas.type("string")))
            .put(
                "phase",
                Schemas.type("string")
                    .put(
                        "enum",
                        new JsonArray(
                            Arrays.stream(SandboxPhase.values()).map(Enum::name).toList())))
            .put("launch_type", Schemas.type("string"))
            .put("runtime", Schemas.type("string"))
            .put("created_at", Schemas.type("string"))
            .put("shutdown_time", Schemas.type("string"))
            .put("message", Schemas.type("string")),
        "id",
        "template",
        "phase",
        "labels");
  }

  private static Map<String, Object> summary(SandboxView view) {
    Map<String, Object> sandbox = new LinkedHashMap<>();
    sandbox.put("id", view.id());
    sandbox.put("template", view.template());
    sandbox.put("warm_pool", view.warmPool());
    sandbox.put("labels", view.labels());
    sandbox.put("phase", view.phase().name());
    sandbox.put("launch_type", view.launchType());
    sandbox.put("runtime", view.runtime());
    sandbox.put("created_at", view.createdAt().toString());
    if (view.shutdownTime() != null) {
      sandbox.put("shutdown_time", view.shutdownTime().toString());
    }
    sandbox.put("message", view.message());
    return sandbox;
  }
}
