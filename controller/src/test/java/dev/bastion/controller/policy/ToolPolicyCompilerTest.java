package dev.bastion.controller.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.ToolPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolPolicyCompilerTest {

  static ToolPolicy policy(String spec) {
    return (ToolPolicy)
        Manifests.parse(
                "apiVersion: bastion.dev/v1alpha1\nkind: ToolPolicy\n"
                    + "metadata: {name: p, namespace: default}\nspec: "
                    + spec)
            .get(0);
  }

  static String rule(String name, String when, String action) {
    return "{name: " + name + ", when: '" + when + "', action: " + action + "}";
  }

  @Test
  void everyVariableTypeChecks() {
    CompiledPolicy compiled =
        ToolPolicyCompiler.compile(
            policy(
                "{rules: ["
                    + rule(
                        "all",
                        "call.tool == \"process.exec\" && call.argv.exists(a, a.startsWith(\"-\"))"
                            + " && \"HOME\" in call.env && call.cwd.endsWith(\"/\")"
                            + " && call.path.matches(\"^/workspace\") && call.size > 10"
                            + " && sandbox.labels[\"team\"] == tenant"
                            + " && sandbox.template == \"python\"",
                        "Deny")
                    + "]}"));
    assertThat(compiled.rules()).extracting(CompiledRule::name).containsExactly("all");
  }

  @Test
  void anUnknownVariableIsRefusedWithItsPositionAndRule() {
    assertThatThrownBy(
            () ->
                ToolPolicyCompiler.compile(
                    policy(
                        "{rules: ["
                            + rule("ok", "true", "Allow")
                            + ", "
                            + rule("bad", "call.toool == \"x\"", "Deny")
                            + "]}")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("ToolPolicy \"p\": spec.rules[1].when: line 1, column 1:")
        .hasMessageContaining("undeclared reference to 'call'")
        .hasMessageContaining("(the variables are call.tool, call.argv, call.env,")
        .hasMessageNotContaining("container");
  }

  @Test
  void aTypeErrorAndANonBooleanAreRefused() {
    assertThatThrownBy(
            () ->
                ToolPolicyCompiler.compile(
                    policy("{rules: [" + rule("t", "call.size == \"big\"", "Deny") + "]}")))
        .hasMessageContaining("spec.rules[0].when")
        .hasMessageContaining("no matching overload");
    assertThatThrownBy(
            () ->
                ToolPolicyCompiler.compile(
                    policy("{rules: [" + rule("t", "call.tool", "Deny") + "]}")))
        .hasMessageContaining("spec.rules[0].when");
  }

  @Test
  void aSyntaxErrorIsRefused() {
    assertThatThrownBy(
            () ->
                ToolPolicyCompiler.compile(
                    policy("{rules: [" + rule("t", "call.tool ==", "Deny") + "]}")))
        .hasMessageContaining("spec.rules[0].when: line 1");
  }

  @Test
  void structuralProblemsAreFoundBeforeCompiling() {
    ToolPolicy bad =
        policy(
            "{defaultAction: Deny, tenants: [''], rules: [{name: A_b, action: Allow},"
                + " {name: x, when: 'true', action: Deny}, {name: x, when: 'true', action: Audit}],"
                + " limits: {maxOutputBytes: 0, maxSandboxes: -1}}");
    assertThat(ManifestValidator.validate(bad))
        .containsExactlyInAnyOrder(
            "spec.tenants[0]: must not be empty",
            "spec.rules[0].name: \"A_b\" is not a valid rule name: use at most 63 lowercase"
                + " letters, digits and '-', starting and ending with a letter or digit",
            "spec.rules[0].when: required: a CEL expression that is true for the calls it matches",
            "spec.rules[2].name: \"x\" is used by an earlier rule",
            "spec.limits.maxOutputBytes: must be at least 1, got 0",
            "spec.limits.maxSandboxes: must not be negative, got -1");
  }

  @Test
  void anUnknownActionIsRefusedByTheParser() {
    assertThatThrownBy(() -> policy("{rules: [" + rule("a", "true", "Maybe") + "]}"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("Maybe");
  }

  @Test
  void limitsKeepTheirPolicy() {
    CompiledPolicy compiled =
        ToolPolicyCompiler.compile(policy("{limits: {maxFileBytes: 100, callsPerMinute: 5}}"));
    assertThat(compiled.limits().get(Limit.MAX_FILE_BYTES).orElseThrow().describe())
        .isEqualTo("maxFileBytes 100 (ToolPolicy \"p\")");
    assertThat(compiled.limits().get(Limit.MAX_EXEC_SECONDS)).isEmpty();
    assertThat(List.of(Limit.values())).extracting(Limit::field).contains("callsPerMinute");
  }
}
