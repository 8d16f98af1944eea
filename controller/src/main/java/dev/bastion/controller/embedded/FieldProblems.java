package dev.bastion.controller.embedded;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.ModelSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a manifest asks that embedded mode cannot do, one line per field. Every level of a pod
 * template is checked against the fields it accepts, so a field nobody thought of is reported
 * rather than ignored.
 */
final class FieldProblems {

  private final List<String> lines = new ArrayList<>();

  void add(String path, String message) {
    lines.add(path + ": " + message);
  }

  /** A field that is meaningful on a cluster but has nothing to act on one machine. */
  void cannotApply(String path, String why) {
    add(path, "cannot apply in embedded mode (" + why + ")");
  }

  /**
   * Reports every field set on {@code model} outside {@code accepted}.
   *
   * @param model a fabric8 model object, read as the JSON it stands for
   * @param unknown the fields its class did not recognise (its {@code additionalProperties})
   * @param reasons why known fields cannot apply
   */
  void rejectOthers(
      String path,
      Object model,
      Map<String, Object> unknown,
      Set<String> accepted,
      FieldReasons reasons) {
    for (String field : fields(model).keySet()) {
      if (accepted.contains(field)) {
        continue;
      }
      String fieldPath = ManifestText.path(path, field);
      if (unknown.containsKey(field)) {
        add(fieldPath, "unknown field");
      } else {
        reasons
            .why(field)
            .ifPresentOrElse(
                why -> cannotApply(fieldPath, why),
                () -> add(fieldPath, "not supported in embedded mode"));
      }
    }
  }

  /** Throws {@link #failure()} when anything was reported. */
  void throwIfAny() {
    if (!lines.isEmpty()) {
      throw failure();
    }
  }

  /** Everything reported, as one exception. */
  InvalidManifestException failure() {
    return new InvalidManifestException("", lines);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fields(Object model) {
    return ModelSerialization.get().convertValue(model, Map.class);
  }
}
