package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The results, kept as one JSON tree so the printed report and the JSON file cannot disagree. */
final class Report {

  private final JsonObject root = new JsonObject();

  void put(String section, Object values) {
    root.put(section, values);
  }

  void print(PrintStream out) {
    print(out, root, "");
  }

  private static void print(PrintStream out, JsonObject object, String indent) {
    for (Map.Entry<String, Object> entry : object) {
      if (entry.getValue() instanceof JsonObject child) {
        out.println(indent + entry.getKey() + ":");
        print(out, child, indent + "  ");
      } else {
        out.println(indent + entry.getKey() + ": " + format(entry.getValue()));
      }
    }
  }

  private static String format(Object value) {
    return value instanceof Double d
        ? String.format(Locale.ROOT, "%.2f", d)
        : String.valueOf(value);
  }

  /** Prints the report, and writes it to {@code out} as JSON when given. */
  void emit(Path out) throws IOException {
    print(System.out);
    if (out != null) {
      write(out);
    }
  }

  void write(Path file) throws IOException {
    Files.writeString(file, root.encodePrettily() + "\n");
  }
}
