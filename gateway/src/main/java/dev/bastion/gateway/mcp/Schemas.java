package dev.bastion.gateway.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The JSON Schema pieces Bastion's tools are described with. Input objects take no properties but
 * their own and every string and number is bounded, so a client learns the limits from the schema
 * and the SDK refuses what breaks them before a tool runs.
 */
final class Schemas {

  /** Kubernetes object names (sandboxes, templates, pools) are at most this long. */
  static final int NAME_LENGTH = 253;

  /** Paths inside a sandbox, as sandboxd accepts them. */
  static final int PATH_LENGTH = 4096;

  private Schemas() {}

  /** An object with exactly {@code properties}, of which {@code required} must be given. */
  static JsonObject input(JsonObject properties, String... required) {
    return new JsonObject()
        .put("type", "object")
        .put("properties", properties)
        .put("required", new JsonArray(java.util.List.of((Object[]) required)))
        .put("additionalProperties", false);
  }

  /** A result object with {@code properties}, all of {@code required} present. */
  static JsonObject output(JsonObject properties, String... required) {
    return new JsonObject()
        .put("type", "object")
        .put("properties", properties)
        .put("required", new JsonArray(java.util.List.of((Object[]) required)));
  }

  static JsonObject string(String description, int minLength, int maxLength) {
    return new JsonObject()
        .put("type", "string")
        .put("description", description)
        .put("minLength", minLength)
        .put("maxLength", maxLength);
  }

  static JsonObject integer(String description, long minimum, long maximum) {
    return new JsonObject()
        .put("type", "integer")
        .put("description", description)
        .put("minimum", minimum)
        .put("maximum", maximum);
  }

  /** An object of string values, each at most {@code maxValue} long. */
  static JsonObject stringMap(
      String description, int maxProperties, JsonObject propertyNames, int maxValue) {
    return new JsonObject()
        .put("type", "object")
        .put("description", description)
        .put("maxProperties", maxProperties)
        .put("propertyNames", propertyNames)
        .put(
            "additionalProperties",
            new JsonObject().put("type", "string").put("maxLength", maxValue));
  }

  static JsonObject type(String type) {
    return new JsonObject().put("type", type);
  }

  static JsonObject sandboxId() {
    return string("The sandbox's id, as create_sandbox or list_sandboxes gave it", 1, NAME_LENGTH);
  }
}
