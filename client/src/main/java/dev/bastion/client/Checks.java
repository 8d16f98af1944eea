package dev.bastion.client;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Argument checks shared by the options classes: a bad argument fails before any call. */
final class Checks {

  private Checks() {}

  /** A name, id or path: present and not blank. */
  static String notBlank(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  /** Puts an environment variable into {@code env}, refusing names no process can have. */
  static void putEnv(Map<String, String> env, String name, String value) {
    notBlank(name, "an environment variable's name");
    Objects.requireNonNull(value, "the value of " + name);
    if (name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "environment variable " + name + ": a name holds no '=' and neither holds a NUL");
    }
    env.put(name, value);
  }

  /** A duration as the API's whole seconds, rounded up so a short timeout never becomes none. */
  static long seconds(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + duration);
    }
    return duration.plusNanos(999_999_999).getSeconds();
  }
}
