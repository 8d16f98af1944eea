package dev.bastion.controller.hardening;

import java.util.List;

/**
 * How one object fared on every check.
 *
 * @param kind {@code SandboxTemplate} or {@code Sandbox}
 * @param name the object's name
 * @param results one per check, in the order of {@link HardeningAudit#CHECKS}
 */
public record HardeningReport(String kind, String name, List<Result> results) {

  public HardeningReport {
    results = List.copyOf(results);
  }

  /** One check's verdict on the object. */
  public record Result(HardeningCheck check, Verdict verdict) {}

  /**
   * The weight of the passed checks as a percentage of the weight of those that apply, rounded down
   * so that a score shown as 90 never stands for 89.5.
   */
  public int score() {
    int applicable = 0;
    int passed = 0;
    for (Result result : results) {
      if (!(result.verdict() instanceof Verdict.NotApplicable)) {
        applicable += result.check().weight();
      }
      if (result.verdict() instanceof Verdict.Pass) {
        passed += result.check().weight();
      }
    }
    return applicable == 0 ? 100 : passed * 100 / applicable;
  }

  public Grade grade() {
    return Grade.of(score());
  }
}
