package dev.bastion.controller.model;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How problem messages show manifest content: field paths such as {@code spec.env[0].name} or
 * {@code limits["ephemeral-storage"]}, and user values quoted on one line.
 */
public final class ManifestText {

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_QUOTED = 64;

  private ManifestText() {}

  /** The path of field {@code key} of the object at {@code parent} (empty for the top level). */
  public static String path(String parent, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return parent + "[" + quote(key) + "]";
    }
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** The path of element {@code index} of the list at {@code parent}. */
  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code text} in double quotes, escaped to stay on one line and cut when long. */
  public static String quote(String text) {
    String shown = text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED - 3) + "...";
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : shown.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /** A value read from YAML as a reader would name it: strings quoted, collections by shape. */
  public static String describe(Object value) {
    if (value instanceof String text) {
      return quote(text);
    }
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    return String.valueOf(value);
  }
}
