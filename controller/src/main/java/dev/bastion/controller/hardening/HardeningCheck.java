package dev.bastion.controller.hardening;

import java.util.function.Function;

/** One rule of the audit: its name, its share of the score, and how it judges an object. */
public final class HardeningCheck {

  private final String id;
  private final int weight;
  private final Function<GradedObject, Verdict> rule;

  HardeningCheck(String id, int weight, Function<GradedObject, Verdict> rule) {
    this.id = id;
    this.weight = weight;
    this.rule = rule;
  }

  /** A short stable name, e.g. {@code runtime-class}. */
  public String id() {
    return id;
  }

  /** Points the check is worth; an object's score is the share of points it earns. */
  public int weight() {
    return weight;
  }

  Verdict judge(GradedObject object) {
    return rule.apply(object);
  }
}
