package dev.bastion.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kubectl-style table {@code bastion get} prints: a header in capitals, then one row per
 * object, each column padded to its widest cell and followed by three spaces.
 */
final class ResourceTable {

  private static final String GAP = "   ";
  private static final String NONE = "<none>";

  private record Column(String header, Function<JsonObject, String> cell) {}

  private ResourceTable() {}

  /**
   * The table lines for {@code items} of {@code kind} (the server's canonical kind name); {@code
   * wide} adds LABELS, and {@code now} is what AGE counts to.
   */
  static List<String> render(String kind, JsonArray items, boolean wide, Instant now) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("NAME", item -> orNone(text(at(item, "metadata", "name")))));
    columns.addAll(kindColumns(kind));
    columns.add(
        new Column(
            "AGE", item -> Ages.since(text(at(item, "metadata", "creationTimestamp")), now)));
    if (wide) {
      columns.add(new Column("LABELS", ResourceTable::labels));
    }

    List<List<String>> rows = new ArrayList<>();
    rows.add(columns.stream().map(Column::header).toList());
    for (Object item : items) {
      if (item instanceof JsonObject object) {
        rows.add(columns.stream().map(column -> column.cell().apply(object)).toList());
      }
    }
    int[] widths = new int[columns.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length - 1; i++) {
        line.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length())).append(GAP);
      }
      // No trailing blanks: the last column is not padded.
      lines.add(line.append(row.getLast()).toString());
    }
    return lines;
  }

  // Templates and kinds this CLI does not know yet show NAME and AGE only.
  private static List<Column> kindColumns(String kind) {
    return switch (kind == null ? "" : kind) {
      case "Sandbox" -> List.of(readyColumn(), reasonColumn());
      case "SandboxClaim" ->
          List.of(
              readyColumn(),
              reasonColumn(),
              new Column("SANDBOX", item -> orNone(text(at(item, "status", "sandbox", "name")))));
      case "SandboxWarmPool" ->
          List.of(
              new Column(
                  "READY",
                  item ->
                      count(at(item, "status", "readyReplicas"), 0)
                          + "/"
                          + count(at(item, "spec", "replicas"), 1)),
              new Column(
                  "TEMPLATE",
                  item -> orNone(text(at(item, "spec", "sandboxTemplateRef", "name")))));
      case "ToolPolicy" ->
          List.of(
              new Column(
                  "DEFAULT",
                  item -> {
                    String action = text(at(item, "spec", "defaultAction"));
                    return action == null ? "Allow" : action;
                  }),
              new Column(
                  "RULES",
                  item ->
                      Integer.toString(
                          at(item, "spec", "rules") instanceof JsonArray rules
                              ? rules.size()
                              : 0)));
      default -> List.of();
    };
  }

  private static Column readyColumn() {
    return new Column(
        "READY",
        item -> {
          JsonObject ready = readyCondition(item);
          String status = ready == null ? null : text(ready.getValue("status"));
          return status == null ? "Unknown" : status;
        });
  }

  private static Column reasonColumn() {
    return new Column(
        "REASON",
        item -> {
          JsonObject ready = readyCondition(item);
          return orNone(ready == null ? null : text(ready.getValue("reason")));
        });
  }

  private static JsonObject readyCondition(JsonObject item) {
    if (at(item, "status", "conditions") instanceof JsonArray conditions) {
      for (Object condition : conditions) {
        if (condition instanceof JsonObject object && "Ready".equals(object.getValue("type"))) {
          return object;
        }
      }
    }
    return null;
  }

  // Sorted by key, as kubectl does, so the column is stable between calls.
  private static String labels(JsonObject item) {
    if (!(at(item, "metadata", "labels") instanceof JsonObject labels) || labels.isEmpty()) {
      return NONE;
    }
    Map<String, Object> sorted = new TreeMap<>(labels.getMap());
    return sorted.entrySet().stream()
        .map(label -> label.getKey() + "=" + label.getValue())
        .collect(Collectors.joining(","));
  }

  // The value at a path of field names, or null where the object has no such field.
  private static Object at(JsonObject object, String... path) {
    Object value = object;
    for (String field : path) {
      if (!(value instanceof JsonObject current)) {
        return null;
      }
      value = current.getValue(field);
    }
    return value;
  }

  private static String text(Object value) {
    return value instanceof String string && !string.isEmpty() ? string : null;
  }

  private static long count(Object value, long fallback) {
    return value instanceof Number number ? number.longValue() : fallback;
  }

  private static String orNone(String value) {
    return value == null ? NONE : value;
  }
}
