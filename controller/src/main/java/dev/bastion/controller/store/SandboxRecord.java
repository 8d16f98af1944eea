package dev.bastion.controller.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable state of one sandbox. Immutable: a change is a new record written whole.
 *
 * @param shutdownTime when the sandbox is deleted by itself; null for never
 */
public record SandboxRecord(
    String id,
    String tenant,
    String template,
    String warmPool,
    Map<String, String> labels,
    Map<String, String> env,
    SandboxPhase phase,
    String runtime,
    String launchType,
    Instant createdAt,
    Instant shutdownTime,
    String message) {

  public SandboxRecord {
    labels = Map.copyOf(labels);
    env = Map.copyOf(env);
    message = message == null ? "" : message;
    warmPool = warmPool == null ? "" : warmPool;
  }

  public SandboxRecord withPhase(SandboxPhase newPhase, String newMessage) {
    return new SandboxRecord(
        id,
        tenant,
        template,
        warmPool,
        labels,
        env,
        newPhase,
        runtime,
        launchType,
        createdAt,
        shutdownTime,
        newMessage);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("tenant", tenant)
            .put("template", template)
            .put("warmPool", warmPool)
            .put("labels", new JsonObject(new TreeMap<>(labels)))
            .put("env", new JsonObject(new TreeMap<>(env)))
            .put("phase", phase.name())
            .put("runtime", runtime)
            .put("launchType", launchType)
            .put("createdAt", createdAt.toString())
            .put("message", message);
    if (shutdownTime != null) {
      json.put("shutdownTime", shutdownTime.toString());
    }
    return json;
  }

  public static SandboxRecord fromJson(JsonObject json) {
    String shutdown = json.getString("shutdownTime");
    return new SandboxRecord(
        json.getString("id"),
        json.getString("tenant"),
        json.getString("template"),
        json.getString("warmPool", ""),
        strings(json.getJsonObject("labels")),
        strings(json.getJsonObject("env")),
        SandboxPhase.valueOf(json.getString("phase")),
        json.getString("runtime"),
        json.getString("launchType"),
        Instant.parse(json.getString("createdAt")),
        shutdown == null ? null : Instant.parse(shutdown),
        json.getString("message", ""));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> map = new TreeMap<>();
    if (json != null) {
      json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return map;
  }
}
