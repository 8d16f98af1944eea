package dev.bastion.gateway.cli;

import dev.bastion.controller.hardening.HardeningAudit;
import dev.bastion.controller.hardening.HardeningReport;
import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bastion audit -f FILE}: grades the hardening of templates and sandboxes, offline. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Grades the hardening of every SandboxTemplate and Sandbox in a YAML file (no server needed).",
      "Exit codes: 0 every object scores at least --min-score, 1 one scores under it, 2 bad usage"
          + " or input."
    })
public final class AuditCommand implements Callable<Integer> {

  static final int BELOW_MIN_SCORE = 1;

  // 2 like picocli's usage errors, so that scripts can tell "graded too low" from "not graded".
  static final int BAD_INPUT = 2;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "YAML file with one or more resources ('-' for stdin).")
  String file;

  @Option(
      names = "--min-score",
      paramLabel = "N",
      description = "Exit 1 when an object scores under N percent (default ${DEFAULT-VALUE}).")
  int minScore = 90;

  /** Read for {@code -f -}; replaceable so tests need not swap System.in. */
  Supplier<InputStream> stdin = () -> System.in;

  // Output goes through picocli's writers so callers (and tests) can redirect it.
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (minScore < 0 || minScore > 100) {
      throw new ParameterException(spec.commandLine(), "--min-score must be between 0 and 100");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<String> below = new ArrayList<>();
      // Everything is graded before anything is printed, so bad input prints only its error.
      for (Graded graded : grade(ManifestFile.read(file, stdin))) {
        if (graded.report().isEmpty()) {
          out.println(graded.label() + ": skipped (only SandboxTemplate and Sandbox are graded)");
          continue;
        }
        HardeningReport report = graded.report().get();
        ReportText.lines(report).forEach(out::println);
        if (report.score() < minScore) {
          below.add(graded.label());
        }
      }
      if (!below.isEmpty()) {
        err.println("error: under --min-score " + minScore + ": " + String.join(", ", below));
        return BELOW_MIN_SCORE;
      }
      return 0;
    } catch (CliException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** An object of the file and its report, empty when its kind is not graded. */
  private record Graded(String label, Optional<HardeningReport> report) {}

  private static List<Graded> grade(ManifestFile manifest) throws CliException {
    List<Graded> graded = new ArrayList<>();
    try {
      for (HasMetadata object :
          Manifests.parse(new String(manifest.bytes(), StandardCharsets.UTF_8))) {
        String name = object.getMetadata() == null ? null : object.getMetadata().getName();
        graded.add(
            new Graded(ReportText.label(object.getKind(), name), HardeningAudit.grade(object)));
      }
    } catch (InvalidManifestException e) {
      throw new CliException(manifest.name() + ": " + e.getMessage());
    }
    if (graded.stream().allMatch(object -> object.report().isEmpty())) {
      throw new CliException(manifest.name() + " has no SandboxTemplate or Sandbox to grade");
    }
    return graded;
  }
}
