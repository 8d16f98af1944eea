package dev.bastion.controller.hardening;

import java.util.List;

/** What one check concluded about one object. */
public sealed interface Verdict {

  /** The object has the hardening the check looks for. */
  Verdict PASS = new Pass();

  /** {@link #PASS} when nothing was found, else a failure with the findings. */
  static Verdict of(List<Finding> findings) {
    return findings.isEmpty() ? PASS : new Fail(findings);
  }

  /** The object has the hardening the check looks for. */
  record Pass() implements Verdict {}

  /** The object lacks it; each finding names a field and its fix. */
  record Fail(List<Finding> findings) implements Verdict {
    public Fail {
      if (findings.isEmpty()) {
        throw new IllegalArgumentException("a failure names at least one field");
      }
      findings = List.copyOf(findings);
    }

    Fail(Finding finding) {
      this(List.of(finding));
    }
  }

  /** The check cannot apply to this kind of object; it does not count towards the score. */
  record NotApplicable(String reason) implements Verdict {}
}
