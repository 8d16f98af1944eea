package dev.bastion.controller.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An equality-based label selector as Kubernetes writes them: {@code a=b,c!=d,e,!f} (also {@code
 * a==b}). An empty selector matches everything.
 */
public final class LabelSelector {

  private record Requirement(String key, String value, boolean equals, boolean existence) {
    boolean matches(Map<String, String> labels) {
      if (existence) {
        return labels.containsKey(key) == equals;
      }
      return value.equals(labels.get(key)) == equals;
    }
  }

  private static final int MAX_LENGTH = 4096;

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** Parses {@code text}; a malformed selector is an INVALID_ARGUMENT naming the bad part. */
  public static LabelSelector parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw SandboxError.invalid("label selector is longer than " + MAX_LENGTH + " characters");
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String raw : text.split(",")) {
      String part = raw.strip();
      if (part.isEmpty()) {
        continue;
      }
      requirements.add(requirement(part));
    }
    return new LabelSelector(List.copyOf(requirements));
  }

  private static Requirement requirement(String part) {
    int ne = part.indexOf("!=");
    if (ne > 0) {
      return new Requirement(
          key(part.substring(0, ne), part), value(part.substring(ne + 2), part), false, false);
    }
    int eq = part.indexOf('=');
    if (eq > 0) {
      String rest = part.substring(eq + 1);
      if (rest.startsWith("=")) {
        rest = rest.substring(1);
      }
      return new Requirement(key(part.substring(0, eq), part), value(rest, part), true, false);
    }
    if (part.startsWith("!")) {
      return new Requirement(key(part.substring(1), part), "", false, true);
    }
    return new Requirement(key(part, part), "", true, true);
  }

  private static String key(String key, String part) {
    String k = key.strip();
    if (!Labels.isValidKey(k)) {
      throw SandboxError.invalid("label selector: invalid key in '" + part + "'");
    }
    return k;
  }

  private static String value(String value, String part) {
    String v = value.strip();
    if (!Labels.isValidValue(v)) {
      throw SandboxError.invalid("label selector: invalid value in '" + part + "'");
    }
    return v;
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
