package dev.bastion.controller.embedded;

import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.runtime.SandboxLimits;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * A container's resources as cgroup limits: {@code limits.memory} is the memory limit, {@code
 * limits.cpu} the CPU quota and {@code limits["ephemeral-storage"]} the size of the tmpfs on /tmp;
 * what is not given keeps {@link SandboxLimits#defaults()}. Requests are checked (no more than the
 * limit) but not reserved: one machine has no scheduler to reserve them with.
 */
final class LocalResources {

  /** Memory a sandbox may have at most; /tmp, a tmpfs held in memory, too. */
  static final long MAX_MEMORY_BYTES = 16L << 30;

  private static final String MEMORY = "memory";
  private static final String CPU = "cpu";
  private static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  private static final Set<String> RESOURCES = Set.of(MEMORY, CPU, EPHEMERAL_STORAGE);
  private static final BigDecimal BYTES = BigDecimal.ONE;
  private static final BigDecimal MILLIS = BigDecimal.valueOf(1000);
  private static final String MAX_MEMORY = "the 16Gi a sandbox may have in embedded mode";

  private final String path;
  private final FieldProblems problems;
  private final SandboxLimits defaults = SandboxLimits.defaults();

  private LocalResources(String path, FieldProblems problems) {
    this.path = path;
    this.problems = problems;
  }

  /**
   * The limits {@code resources} (at {@code path}) asks for. A wrong value is reported and its
   * default stands in, so the result is only meant to be used when nothing was reported.
   *
   * @param hostCores cores of this machine: the CPU limit may not exceed them
   */
  static SandboxLimits limits(
      String path, ResourceRequirements resources, int hostCores, FieldProblems problems) {
    if (resources == null) {
      return SandboxLimits.defaults();
    }
    return new LocalResources(path, problems).map(resources, hostCores);
  }

  private SandboxLimits map(ResourceRequirements resources, int hostCores) {
    problems.rejectOthers(
        path,
        resources,
        resources.getAdditionalProperties(),
        Set.of("limits", "requests"),
        new FieldReasons().because("no devices or resource claims on one machine", "claims"));
    Map<String, Quantity> limits = orEmpty(resources.getLimits());
    Map<String, Quantity> requests = orEmpty(resources.getRequests());
    rejectOtherResources(path + ".limits", limits);
    rejectOtherResources(path + ".requests", requests);

    long memoryBytes =
        limit(
            MEMORY,
            limits,
            BYTES,
            defaults.memoryBytes(),
            MAX_MEMORY_BYTES,
            MAX_MEMORY,
            bytes ->
                new SandboxLimits(
                    bytes, defaults.pids(), defaults.cpuMillis(), defaults.tmpBytes()));
    long cpuMillis =
        limit(
            CPU,
            limits,
            MILLIS,
            defaults.cpuMillis(),
            hostCores * 1000L,
            "the " + hostCores + " cores of this machine",
            millis ->
                new SandboxLimits(
                    defaults.memoryBytes(), defaults.pids(), (int) millis, defaults.tmpBytes()));
    long tmpBytes =
        limit(
            EPHEMERAL_STORAGE,
            limits,
            BYTES,
            defaults.tmpBytes(),
            MAX_MEMORY_BYTES,
            MAX_MEMORY + " (/tmp is a tmpfs held in memory)",
            bytes ->
                new SandboxLimits(
                    defaults.memoryBytes(), defaults.pids(), defaults.cpuMillis(), bytes));

    request(MEMORY, requests, limits, bytesQuantity(defaults.memoryBytes()));
    request(CPU, requests, limits, new Quantity(defaults.cpuMillis() + "m"));
    request(EPHEMERAL_STORAGE, requests, limits, bytesQuantity(defaults.tmpBytes()));
    return new SandboxLimits(memoryBytes, defaults.pids(), (int) cpuMillis, tmpBytes);
  }

  private void rejectOtherResources(String path, Map<String, Quantity> quantities) {
    quantities.keySet().stream()
        .filter(name -> !RESOURCES.contains(name))
        .forEach(
            name ->
                problems.cannotApply(
                    ManifestText.path(path, name),
                    "only cpu, memory and ephemeral-storage are limited on one machine"));
  }

  /**
   * The limit of {@code name} in base units times {@code scale}, rounded up; {@code fallback} when
   * it is absent or wrong.
   *
   * @param withOnly limits with only this value changed: its constructor enforces the minimum
   */
  private long limit(
      String name,
      Map<String, Quantity> limits,
      BigDecimal scale,
      long fallback,
      long max,
      String maxText,
      LongFunction<SandboxLimits> withOnly) {
    Quantity quantity = limits.get(name);
    String field = ManifestText.path(path + ".limits", name);
    BigDecimal amount = amount(field, quantity);
    if (amount == null) {
      return fallback;
    }
    BigDecimal units = amount.multiply(scale).setScale(0, RoundingMode.CEILING);
    if (units.compareTo(BigDecimal.valueOf(max)) > 0) {
      problems.add(field, quantity + " is more than " + maxText);
      return fallback;
    }
    long value = units.longValueExact();
    try {
      withOnly.apply(value);
      return value;
    } catch (IllegalArgumentException e) {
      problems.add(field, quantity + " is too small: " + e.getMessage());
      return fallback;
    }
  }

  private void request(
      String name,
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      Quantity defaultLimit) {
    String field = ManifestText.path(path + ".requests", name);
    BigDecimal requested = amount(field, requests.get(name));
    if (requested == null) {
      return;
    }
    if (requested.signum() < 0) {
      problems.add(field, "must not be negative, got " + requests.get(name));
      return;
    }
    Quantity limit = limits.getOrDefault(name, defaultLimit);
    BigDecimal allowed = numericalAmount(limit);
    // A wrong limit was reported already; there is nothing to compare with.
    if (allowed != null && requested.compareTo(allowed) > 0) {
      problems.add(
          field,
          requests.get(name)
              + " is more than the "
              + (limits.containsKey(name) ? "limit " : "default limit ")
              + limit
              + " (requests are checked, not reserved, on one machine)");
    }
  }

  private BigDecimal amount(String field, Quantity quantity) {
    return amount(field, quantity, problems);
  }

  /** The amount of {@code quantity} in base units, or null when absent or reported as wrong. */
  static BigDecimal amount(String field, Quantity quantity, FieldProblems problems) {
    if (quantity == null) {
      return null;
    }
    BigDecimal amount = numericalAmount(quantity);
    if (amount == null) {
      problems.add(
          field,
          ManifestText.quote(quantity.toString())
              + " is not a valid quantity (such as 512Mi, 1Gi, 500m or 2)");
    }
    return amount;
  }

  private static BigDecimal numericalAmount(Quantity quantity) {
    try {
      return quantity.getNumericalAmount();
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }

  // The defaults are whole mebibytes; showing them so reads like the manifest that would set them.
  private static Quantity bytesQuantity(long bytes) {
    long mebibyte = 1L << 20;
    return bytes % mebibyte == 0
        ? new Quantity(String.valueOf(bytes / mebibyte), "Mi")
        : new Quantity(String.valueOf(bytes));
  }

  private static Map<String, Quantity> orEmpty(Map<String, Quantity> quantities) {
    return quantities == null ? Map.of() : quantities;
  }
}
