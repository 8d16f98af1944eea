package dev.bastion.controller.policy;

import static dev.bastion.controller.policy.ToolPolicyCompilerTest.policy;
import static dev.bastion.controller.policy.ToolPolicyCompilerTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.ToolPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySetTest {

  private static final ToolCall CURL =
      ToolCall.process("process.exec", List.of("curl", "http://x"), Map.of(), "/workspace", 0);
  private static final ToolCall LS =
      ToolCall.process("process.exec", List.of("ls"), Map.of(), "/workspace", 0);

  private static CompiledPolicy compiled(String name, String spec) {
    ToolPolicy policy = policy(spec);
    policy.getMetadata().setName(name);
    return ToolPolicyCompiler.compile(policy);
  }

  private static PolicyDecision decide(ToolCall call, CompiledPolicy... policies) {
    return new PolicySet(List.of(policies)).decide(call, "alice", Map.of("team", "a"), "python");
  }

  @Test
  void noPolicyAllowsWithoutLimits() {
    PolicyDecision decision = PolicySet.EMPTY.decide(CURL, "alice", Map.of(), "");
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.policy()).isEmpty();
    assertThat(decision.limits().isEmpty()).isTrue();
  }

  @Test
  void theFirstMatchingRuleDecidesAndAuditRulesOnlyRecord() {
    CompiledPolicy policy =
        compiled(
            "net",
            "{rules: ["
                + rule("watch", "call.tool == \"process.exec\"", "Audit")
                + ", "
                + rule("no-curl", "call.argv[0] == \"curl\"", "Deny")
                + ", "
                + rule("anything", "true", "Allow")
                + "], defaultAction: Deny}");
    PolicyDecision curl = decide(CURL, policy);
    assertThat(curl.allowed()).isFalse();
    assertThat(curl.decidedBy()).isEqualTo("net/no-curl");
    assertThat(curl.audited()).containsExactly("net/watch");
    PolicyDecision ls = decide(LS, policy);
    assertThat(ls.allowed()).isTrue();
    assertThat(ls.decidedBy()).isEqualTo("net/anything");
  }

  @Test
  void theDefaultActionDecidesWhenNoRuleDoes() {
    CompiledPolicy deny =
        compiled(
            "strict",
            "{defaultAction: Deny, rules: [" + rule("ls", "call.argv == [\"ls\"]", "Allow") + "]}");
    assertThat(decide(LS, deny).allowed()).isTrue();
    PolicyDecision curl = decide(CURL, deny);
    assertThat(curl.allowed()).isFalse();
    assertThat(curl.rule()).isEqualTo(PolicyDecision.DEFAULT_RULE);
    assertThat(decide(CURL, compiled("open", "{}")).allowed()).isTrue();
  }

  @Test
  void anyDenialWinsAcrossPolicies() {
    CompiledPolicy allow = compiled("a-allow", "{rules: [" + rule("all", "true", "Allow") + "]}");
    CompiledPolicy deny =
        compiled("b-deny", "{rules: [" + rule("curl", "\"curl\" in call.argv", "Deny") + "]}");
    PolicyDecision decision = decide(CURL, allow, deny);
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.decidedBy()).isEqualTo("b-deny/curl");
    assertThat(decide(LS, allow, deny).allowed()).isTrue();
  }

  @Test
  void selectorsAndTenantsChooseWhichPoliciesApply() {
    CompiledPolicy otherTeam =
        compiled("other-team", "{selector: {matchLabels: {team: b}}, defaultAction: Deny}");
    CompiledPolicy otherTenant = compiled("bob", "{tenants: [bob], defaultAction: Deny}");
    CompiledPolicy mine =
        compiled(
            "mine", "{tenants: [alice], selector: {matchLabels: {team: a}}, defaultAction: Deny}");
    assertThat(decide(LS, otherTeam, otherTenant).allowed()).isTrue();
    assertThat(decide(LS, otherTeam, otherTenant, mine).decidedBy())
        .isEqualTo("mine/defaultAction");
  }

  @Test
  void aRuleThatCannotBeEvaluatedDenies() {
    CompiledPolicy policy =
        compiled(
            "env",
            "{rules: [" + rule("needs-env", "call.env[\"MODE\"] == \"safe\"", "Allow") + "]}");
    PolicyDecision decision = decide(LS, policy);
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.decidedBy()).isEqualTo("env/needs-env");
    assertThat(decision.message())
        .isEqualTo(
            "the rule could not be evaluated for this call: it reads \"MODE\", which this call"
                + " does not have (test with `in` first)");
  }

  @Test
  void limitsAreTheTightestOfEveryCoveringPolicy() {
    CompiledPolicy loose = compiled("loose", "{limits: {maxOutputBytes: 1000, maxExecSeconds: 5}}");
    CompiledPolicy tight = compiled("tight", "{limits: {maxOutputBytes: 10}}");
    CompiledPolicy elsewhere =
        compiled("elsewhere", "{tenants: [bob], limits: {maxOutputBytes: 1, maxFileBytes: 1}}");
    PolicyLimits limits = decide(LS, loose, tight, elsewhere).limits();
    assertThat(limits.get(Limit.MAX_OUTPUT_BYTES).orElseThrow())
        .isEqualTo(new PolicyLimits.Bound(Limit.MAX_OUTPUT_BYTES, 10, "tight"));
    assertThat(limits.get(Limit.MAX_EXEC_SECONDS).orElseThrow().policy()).isEqualTo("loose");
    assertThat(limits.get(Limit.MAX_FILE_BYTES)).isEmpty();
  }

  @Test
  void argumentSmugglingIsCaughtByRulesOverEveryArgument() {
    CompiledPolicy policy =
        compiled(
            "no-network",
            "{rules: ["
                + rule(
                    "no-curl", "call.argv.exists(a, a.matches(\"(^|[/ ;|&])curl( |$)\"))", "Deny")
                + "]}");
    for (List<String> argv :
        List.of(
            List.of("curl", "x"),
            List.of("/usr/bin/curl", "x"),
            List.of("sh", "-c", "true; curl x"),
            List.of("env", "curl", "x"),
            List.of("bash", "-c", "echo | curl x"))) {
      ToolCall call = ToolCall.process("process.exec", argv, Map.of(), "", 0);
      assertThat(decide(call, policy).allowed()).as(argv.toString()).isFalse();
    }
    assertThat(decide(LS, policy).allowed()).isTrue();
  }

  @Test
  void matchesFindsAnywhereAndABadPatternDenies() {
    CompiledPolicy policy =
        compiled(
            "regex",
            "{rules: ["
                + rule(
                    "partial",
                    "matches(call.cwd, \"space\") && call.cwd.matches(\"^/work\")",
                    "Deny")
                + ", "
                + rule(
                    "dynamic", "call.argv.size() > 1 && call.argv[1].matches(call.argv[0])", "Deny")
                + "]}");
    assertThat(decide(LS, policy).decidedBy()).isEqualTo("regex/partial");
    ToolCall elsewhere = ToolCall.process("process.exec", List.of("a+", "b"), Map.of(), "/tmp", 0);
    assertThat(decide(elsewhere, policy).allowed()).isTrue();
    ToolCall bad = ToolCall.process("process.exec", List.of("(", "b"), Map.of(), "/tmp", 0);
    PolicyDecision decision = decide(bad, policy);
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.decidedBy()).isEqualTo("regex/dynamic");
  }
}
