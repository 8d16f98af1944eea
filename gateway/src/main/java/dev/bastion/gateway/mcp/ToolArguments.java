package dev.bastion.gateway.mcp;

import dev.bastion.controller.sandbox.SandboxError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool call's arguments, read by type. The SDK has checked them against the tool's input schema
 * already; a value of the wrong type still ends as INVALID_ARGUMENT here, never as an internal
 * error.
 */
final class ToolArguments {

  private final Map<String, Object> values;

  ToolArguments(Map<String, Object> values) {
    this.values = values == null ? Map.of() : values;
  }

  /** The string {@code name}, which the call must give. */
  String string(String name) {
    String value = string(name, null);
    if (value == null) {
      throw SandboxError.invalid(name + " is required");
    }
    return value;
  }

  /** The string {@code name}, or {@code fallback} when the call leaves it out. */
  String string(String name, String fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String text) {
      return text;
    }
    throw wrongType(name, "a string");
  }

  /** The integer {@code name}, or {@code fallback} when the call leaves it out. */
  long integer(String name, long fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    // JSON Schema counts 30.0 as an integer too.
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.longValue();
    }
    throw wrongType(name, "an integer");
  }

  /** The boolean {@code name}, or {@code fallback} when the call leaves it out. */
  boolean bool(String name, boolean fallback) {
    Object value = values.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    throw wrongType(name, "true or false");
  }

  /** The list of strings {@code name}, which the call must give. */
  List<String> strings(String name) {
    if (!(values.get(name) instanceof List<?> list)) {
      throw wrongType(name, "an array of strings");
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        throw wrongType(name, "an array of strings");
      }
    }
    return list.stream().map(String.class::cast).toList();
  }

  /** The string-to-string object {@code name}; empty when the call leaves it out. */
  Map<String, String> stringMap(String name) {
    Object value = values.get(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw wrongType(name, "an object of strings");
    }
    Map<String, String> strings = new HashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getValue() instanceof String text)) {
        throw wrongType(name, "an object of strings");
      }
      strings.put((String) entry.getKey(), text);
    }
    return strings;
  }

  private static SandboxError wrongType(String name, String type) {
    return SandboxError.invalid(name + " must be " + type);
  }
}
