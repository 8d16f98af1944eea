package dev.bastion.controller.policy;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.model.ToolPolicyDefaultAction;
import dev.bastion.controller.model.ToolPolicyRule;
import dev.bastion.controller.model.ToolPolicySpec;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a ToolPolicy into evaluable rules once, when it is applied: every {@code when} must parse,
 * refer only to {@link PolicyVariables} and be a boolean, or the policy is refused with the CEL
 * error of each rule.
 */
public final class ToolPolicyCompiler {

  // Bounds on what one expression may cost: agents choose the lists and strings a rule iterates
  // over, so comprehensions are capped; regular expressions are RE2 (linear time) in CEL.
  private static final CelOptions OPTIONS =
      CelOptions.current()
          .comprehensionMaxIterations(10_000)
          .maxParseRecursionDepth(100)
          .maxParseExpressionNodeCount(2_000)
          .build();

  private static final CelCompiler COMPILER = compiler();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(OPTIONS)
          // The standard functions but matches, which CachedMatches replaces.
          .setStandardEnvironmentEnabled(false)
          .setStandardFunctions(
              CelStandardFunctions.newBuilder()
                  .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES)
                  .build())
          .addFunctionBindings(new CachedMatches().bindings())
          .build();

  private ToolPolicyCompiler() {}

  /**
   * Compiles {@code policy}, which passed the manifest checks.
   *
   * @throws InvalidManifestException naming each rule whose expression does not compile
   */
  public static CompiledPolicy compile(ToolPolicy policy) {
    ToolPolicySpec spec = policy.getSpec();
    List<String> problems = new ArrayList<>();
    List<CompiledRule> rules = new ArrayList<>();
    List<ToolPolicyRule> declared = spec.getRules() == null ? List.of() : spec.getRules();
    for (int i = 0; i < declared.size(); i++) {
      ToolPolicyRule rule = declared.get(i);
      String path = ManifestText.index("spec.rules", i) + ".when";
      CelValidationResult result = COMPILER.compile(rule.getWhen());
      if (result.hasError()) {
        problems.add(path + ": " + describe(result.getErrors()));
        continue;
      }
      try {
        CelAbstractSyntaxTree ast = result.getAst();
        rules.add(
            new CompiledRule(
                rule.getName(),
                rule.getAction(),
                rule.getMessage() == null ? "" : rule.getMessage(),
                RUNTIME.createProgram(ast)));
      } catch (CelValidationException | CelEvaluationException e) {
        problems.add(path + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidManifestException(
          "ToolPolicy " + ManifestText.quote(policy.getMetadata().getName()), problems);
    }
    Map<String, String> labels =
        spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
            ? Map.of()
            : spec.getSelector().getMatchLabels();
    return new CompiledPolicy(
        policy.getMetadata().getName(),
        labels,
        spec.getTenants() == null ? Set.of() : Set.copyOf(spec.getTenants()),
        spec.getDefaultAction() == null ? ToolPolicyDefaultAction.Allow : spec.getDefaultAction(),
        rules,
        PolicyLimits.of(policy.getMetadata().getName(), spec.getLimits()));
  }

  /**
   * Each issue as {@code line L, column C: message}, without CEL's multi-line source excerpt; an
   * unknown name also lists the names there are.
   */
  private static String describe(List<CelIssue> issues) {
    List<String> parts = new ArrayList<>();
    for (CelIssue issue : issues) {
      var location = issue.getSourceLocation();
      String message = issue.getMessage().replace(" (in container '')", "");
      if (message.startsWith("undeclared reference")) {
        message += " (the variables are " + String.join(", ", PolicyVariables.names()) + ")";
      }
      parts.add(
          "line " + location.getLine() + ", column " + (location.getColumn() + 1) + ": " + message);
    }
    return String.join("; ", parts);
  }

  private static CelCompiler compiler() {
    CelCompilerBuilder builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(SimpleType.BOOL);
    PolicyVariables.TYPES.forEach(builder::addVar);
    return builder.build();
  }
}
