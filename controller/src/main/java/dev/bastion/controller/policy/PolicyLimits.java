package dev.bastion.controller.policy;

import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.ToolPolicyLimits;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The limits on a call: for each, the tightest value any covering policy sets, and whose it is. */
public final class PolicyLimits {

  /** One limit's value and the policy that set it, so a refusal can name both. */
  public record Bound(Limit limit, long value, String policy) {

    /** E.g. {@code maxFileBytes 1048576 (ToolPolicy "files")}. */
    public String describe() {
      return limit.field() + " " + value + " (ToolPolicy " + ManifestText.quote(policy) + ")";
    }
  }

  public static final PolicyLimits NONE = new PolicyLimits(new EnumMap<>(Limit.class));

  private final Map<Limit, Bound> bounds;

  private PolicyLimits(EnumMap<Limit, Bound> bounds) {
    this.bounds = Collections.unmodifiableMap(bounds);
  }

  static PolicyLimits of(String policy, ToolPolicyLimits limits) {
    EnumMap<Limit, Bound> bounds = new EnumMap<>(Limit.class);
    if (limits != null) {
      for (Limit limit : Limit.values()) {
        Number value = limit.read(limits);
        if (value != null) {
          bounds.put(limit, new Bound(limit, value.longValue(), policy));
        }
      }
    }
    return new PolicyLimits(bounds);
  }

  public Optional<Bound> get(Limit limit) {
    return Optional.ofNullable(bounds.get(limit));
  }

  /** Every limit of both, each at the lower value. */
  PolicyLimits tightest(PolicyLimits other) {
    EnumMap<Limit, Bound> merged = new EnumMap<>(Limit.class);
    merged.putAll(bounds);
    other.bounds.forEach(
        (limit, bound) -> merged.merge(limit, bound, (a, b) -> a.value() <= b.value() ? a : b));
    return new PolicyLimits(merged);
  }

  public boolean isEmpty() {
    return bounds.isEmpty();
  }
}
