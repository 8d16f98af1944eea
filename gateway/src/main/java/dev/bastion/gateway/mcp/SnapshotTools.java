package dev.bastion.gateway.mcp;

import dev.bastion.controller.sandbox.LabelSelector;
import dev.bastion.controller.sandbox.SnapshotView;
import dev.bastion.gateway.access.GatedSandboxes;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshot tools: {@code snapshot_sandbox}, {@code list_snapshots} and {@code delete_snapshot};
 * {@code create_sandbox} with {@code snapshot} makes copies. Decided by policy under those names,
 * as the Sandboxes API's snapshot methods are under theirs.
 */
final class SnapshotTools {

  private static final int SELECTOR_LENGTH = 4096;

  private final GatedSandboxes sandboxes;
  private final McpJsonMapper json;

  SnapshotTools(GatedSandboxes sandboxes, McpJsonMapper json) {
    this.sandboxes = sandboxes;
    this.json = json;
  }

  List<BastionTool> tools() {
    return List.of(take(), list(), delete());
  }

  private BastionTool take() {
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "snapshot_sandbox",
            "Snapshot a sandbox",
            "Saves a running sandbox's memory, processes and /workspace; it keeps running. Give"
                + " the snapshot's id to create_sandbox as snapshot to make copies that continue"
                + " from this moment (each with its own id, hostname and /workspace).",
            Schemas.input(new JsonObject().put("sandbox_id", Schemas.sandboxId()), "sandbox_id"),
            snapshot(),
            new McpSchema.ToolAnnotations(null, false, false, false, false, null)),
        (tenant, arguments) ->
            sandboxes
                .snapshot(tenant, arguments.string("sandbox_id"), Map.of(), "snapshot_sandbox")
                .map(SnapshotTools::summary));
  }

  private BastionTool list() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put(
                    "label_selector",
                    Schemas.string(
                        "Only snapshots whose labels match, e.g. \"stage=setup\"",
                        0,
                        SELECTOR_LENGTH)));
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("snapshots", new JsonObject().put("type", "array").put("items", snapshot())),
            "snapshots");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "list_snapshots",
            "List snapshots",
            "Lists the caller's snapshots, oldest first.",
            input,
            output,
            new McpSchema.ToolAnnotations(null, true, false, true, false, null)),
        (tenant, arguments) ->
            sandboxes
                .listSnapshots(
                    tenant,
                    LabelSelector.parse(arguments.string("label_selector", "")),
                    "list_snapshots")
                .map(
                    found ->
                        Map.<String, Object>of(
                            "snapshots",
                            found.stream()
                                .map(SnapshotTools::summary)
                                .map(Object.class::cast)
                                .toList())));
  }

  private BastionTool delete() {
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("snapshot_id", Schemas.type("string"))
                .put("deleted", Schemas.type("boolean")),
            "snapshot_id",
            "deleted");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "delete_snapshot",
            "Delete a snapshot",
            "Deletes a snapshot; sandboxes made from it run on.",
            Schemas.input(
                new JsonObject()
                    .put(
                        "snapshot_id", Schemas.string("The snapshot's id", 1, Schemas.NAME_LENGTH)),
                "snapshot_id"),
            output,
            new McpSchema.ToolAnnotations(null, false, true, true, false, null)),
        (tenant, arguments) -> {
          String id = arguments.string("snapshot_id");
          return sandboxes
              .deleteSnapshot(tenant, id, "delete_snapshot")
              .map(ignored -> Map.<String, Object>of("snapshot_id", id, "deleted", true));
        });
  }

  private static JsonObject snapshot() {
    return Schemas.output(
        new JsonObject()
            .put("id", Schemas.type("string"))
            .put("sandbox_id", Schemas.type("string"))
            .put("template", Schemas.type("string"))
            .put("created_at", Schemas.type("string"))
            .put("size_bytes", Schemas.type("integer"))
            .put(
                "labels",
                Schemas.type("object").put("additionalProperties", Schemas.type("string"))),
        "id",
        "sandbox_id",
        "created_at",
        "size_bytes");
  }

  private static Map<String, Object> summary(SnapshotView view) {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("id", view.id());
    snapshot.put("sandbox_id", view.sandboxId());
    snapshot.put("template", view.template());
    snapshot.put("created_at", view.createdAt().toString());
    snapshot.put("size_bytes", view.sizeBytes());
    snapshot.put("labels", view.labels());
    return snapshot;
  }
}
