package dev.bastion.gateway.cli;

import dev.bastion.controller.hardening.Finding;
import dev.bastion.controller.hardening.HardeningReport;
import dev.bastion.controller.hardening.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A hardening report as {@code bastion audit} prints it: the object, one line per failed check with
 * each field and its fix, one per check that does not apply, then the score.
 */
final class ReportText {

  private ReportText() {}

  static List<String> lines(HardeningReport report) {
    List<String> lines = new ArrayList<>();
    lines.add(label(report.kind(), report.name()));
    for (HardeningReport.Result result : report.results()) {
      String check = result.check().id();
      switch (result.verdict()) {
        case Verdict.Fail fail ->
            lines.add(
                "  FAIL "
                    + check
                    + " ("
                    + result.check().weight()
                    + "): "
                    + fail.findings().stream()
                        .map(ReportText::finding)
                        .collect(Collectors.joining("; ")));
        case Verdict.NotApplicable skipped ->
            lines.add("  N/A  " + check + ": " + skipped.reason());
        case Verdict.Pass pass -> {}
      }
    }
    lines.add("SCORE: " + report.score() + "% GRADE: " + report.grade());
    return lines;
  }

  /** How the CLI names an object, as {@code apply} does: {@code sandboxtemplate/python}. */
  static String label(String kind, String name) {
    return kind.toLowerCase(Locale.ROOT) + "/" + (name == null ? "(unnamed)" : name);
  }

  private static String finding(Finding finding) {
    return finding.path() + " " + finding.problem() + " (fix: " + finding.fix() + ")";
  }
}
