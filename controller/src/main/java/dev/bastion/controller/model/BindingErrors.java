package dev.bastion.controller.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns a Jackson binding failure into one line naming the field, what it expects and what it got,
 * with no Java type in it.
 */
final class BindingErrors {

  private BindingErrors() {}

  /**
   * The problem {@code failure} reports while binding {@code document}.
   *
   * @param document the YAML tree that was being bound, to show the value as written
   */
  static String describe(JacksonException failure, Map<?, ?> document) {
    String path = path(failure.getPath());
    if (failure instanceof UnrecognizedPropertyException) {
      return "unknown field " + ManifestText.quote(path);
    }
    String got = ManifestText.describe(valueAt(document, failure.getPath()));
    if (failure instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return path + ": expected " + expected(mismatch.getTargetType()) + ", got " + got;
    }
    return path + ": invalid value " + got;
  }

  private static String path(List<JacksonException.Reference> references) {
    String path = "";
    for (JacksonException.Reference reference : references) {
      path =
          reference.getPropertyName() != null
              ? ManifestText.path(path, reference.getPropertyName())
              : ManifestText.index(path, reference.getIndex());
    }
    return path;
  }

  // Jackson does not always keep the offending value (a list bound to an int shows as "["), so it
  // is read back from the tree the YAML parser made.
  private static Object valueAt(Object tree, List<JacksonException.Reference> references) {
    Object value = tree;
    for (JacksonException.Reference reference : references) {
      if (value instanceof Map<?, ?> map && reference.getPropertyName() != null) {
        value = map.get(reference.getPropertyName());
      } else if (value instanceof List<?> list
          && reference.getIndex() >= 0
          && reference.getIndex() < list.size()) {
        value = list.get(reference.getIndex());
      } else {
        return null;
      }
    }
    return value;
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(constant -> ((Enum<?>) constant).name())
              .collect(Collectors.joining(", "));
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type == Double.class
        || type == double.class
        || type == Float.class
        || type == float.class
        || type == BigDecimal.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    // Maps and every object type are written as YAML mappings.
    return "a mapping";
  }
}
