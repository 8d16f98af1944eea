package dev.bastion.gateway.console;

import dev.bastion.api.v1.FileInfo;
import dev.bastion.controller.sandbox.SandboxView;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** What the console API shows of a sandbox and of a file, as JSON. */
final class ConsoleJson {

  private ConsoleJson() {}

  /** {@code sandbox} as seen at {@code now}; its age is computed here, where the clock is. */
  static JsonObject sandbox(SandboxView sandbox, Instant now) {
    JsonObject json =
        new JsonObject()
            .put("id", sandbox.id())
            .put("phase", sandbox.phase().name())
            .put("template", sandbox.template())
            .put("warm_pool", sandbox.warmPool())
            .put("labels", new JsonObject(new java.util.TreeMap<String, Object>(sandbox.labels())))
            .put("runtime", sandbox.runtime())
            .put("launch_type", sandbox.launchType())
            .put("message", sandbox.message());
    if (sandbox.createdAt() != null) {
      json.put("created_at", sandbox.createdAt().toString())
          .put("age_seconds", Math.max(0, Duration.between(sandbox.createdAt(), now).toSeconds()));
    }
    if (sandbox.shutdownTime() != null) {
      json.put("shutdown_time", sandbox.shutdownTime().toString());
    }
    return json;
  }

  static JsonObject file(FileInfo info) {
    JsonObject json =
        new JsonObject()
            .put("path", info.getPath())
            .put("name", info.getName())
            .put("type", info.getType().name().toLowerCase(Locale.ROOT))
            .put("size", info.getSize())
            .put("mode", Integer.toOctalString(info.getMode()));
    if (info.hasModifiedAt()) {
      json.put(
          "modified_at",
          Instant.ofEpochSecond(info.getModifiedAt().getSeconds(), info.getModifiedAt().getNanos())
              .toString());
    }
    return json;
  }
}
