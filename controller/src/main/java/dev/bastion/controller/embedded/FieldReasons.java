package dev.bastion.controller.embedded;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Why each known Kubernetes field cannot apply on one machine, grouped by cause. */
final class FieldReasons {

  private final Map<String, String> byField = new HashMap<>();

  /** Records {@code why} for each of {@code fields}. */
  FieldReasons because(String why, String... fields) {
    for (String field : fields) {
      byField.put(field, why);
    }
    return this;
  }

  Optional<String> why(String field) {
    return Optional.ofNullable(byField.get(field));
  }
}
