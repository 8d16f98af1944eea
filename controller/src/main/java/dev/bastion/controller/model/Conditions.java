package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure helpers for standard Kubernetes conditions: set one without disturbing the others, and keep
 * its transition time when only the reason or message changed, so an unchanged world writes an
 * unchanged status.
 */
public final class Conditions {

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}

  /** The condition of {@code type}, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of {@code type} is present and True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** A condition as computed from observation; its transition time is decided by {@link #merge}. */
  public static Condition of(
      String type, boolean status, String reason, String message, Long generation) {
    Condition condition = new Condition();
    condition.setType(type);
    condition.setStatus(status ? TRUE : FALSE);
    condition.setReason(reason);
    condition.setMessage(message == null ? "" : message);
    condition.setObservedGeneration(generation);
    return condition;
  }

  /**
   * The conditions to store: {@code desired}, in its order, each keeping the transition time of the
   * {@code current} condition of the same type when its status did not change.
   */
  public static List<Condition> merge(
      List<Condition> current, List<Condition> desired, Instant now) {
    List<Condition> merged = new ArrayList<>();
    for (Condition wanted : desired) {
      Optional<Condition> previous = find(current, wanted.getType());
      boolean sameStatus =
          previous.isPresent() && Objects.equals(previous.get().getStatus(), wanted.getStatus());
      wanted.setLastTransitionTime(
          sameStatus && previous.get().getLastTransitionTime() != null
              ? previous.get().getLastTransitionTime()
              : now.toString());
      merged.add(wanted);
    }
    return merged;
  }
}
