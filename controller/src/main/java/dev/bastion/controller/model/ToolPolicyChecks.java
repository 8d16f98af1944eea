package dev.bastion.controller.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The structural rules of a ToolPolicy's spec: rules, tenants and limits (labels are checked with
 * every other kind's). Whether each rule's CEL expression compiles is checked by the policy engine,
 * which owns the variables it may use.
 */
final class ToolPolicyChecks {

  /** Rules a policy may have at most: every call evaluates them. */
  static final int MAX_RULES = 200;

  /** Longest CEL expression, in bytes. */
  static final int MAX_EXPRESSION_BYTES = 4096;

  static final int MAX_MESSAGE_BYTES = 1024;
  static final int MAX_TENANTS = 1000;
  private static final int MAX_RULE_NAME = 63;

  private final List<String> problems = new ArrayList<>();

  private ToolPolicyChecks() {}

  /** Every problem of {@code spec} as {@code path: message}. */
  static List<String> problems(ToolPolicySpec spec) {
    ToolPolicyChecks checks = new ToolPolicyChecks();
    checks.tenants(spec.getTenants());
    checks.rules(spec.getRules());
    checks.limits(spec.getLimits());
    return checks.problems;
  }

  private void tenants(List<String> tenants) {
    if (tenants == null) {
      return;
    }
    if (tenants.size() > MAX_TENANTS) {
      problem("spec.tenants", "at most " + MAX_TENANTS + " tenants are allowed");
    }
    for (int i = 0; i < tenants.size(); i++) {
      String tenant = tenants.get(i);
      if (tenant == null || tenant.isBlank()) {
        problem(ManifestText.index("spec.tenants", i), "must not be empty");
      }
    }
  }

  private void rules(List<ToolPolicyRule> rules) {
    if (rules == null) {
      return;
    }
    if (rules.size() > MAX_RULES) {
      problem("spec.rules", "at most " + MAX_RULES + " rules are allowed, got " + rules.size());
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      String path = ManifestText.index("spec.rules", i);
      ToolPolicyRule rule = rules.get(i);
      if (rule == null) {
        problem(path, "must not be empty");
        continue;
      }
      String name = rule.getName();
      if (name == null || name.isBlank()) {
        problem(path + ".name", "required");
      } else if (name.length() > MAX_RULE_NAME || !KubernetesNames.isDnsLabel(name)) {
        problem(
            path + ".name",
            ManifestText.quote(name)
                + " is not a valid rule name: "
                + KubernetesNames.DNS_LABEL_RULE);
      } else if (!names.add(name)) {
        problem(path + ".name", ManifestText.quote(name) + " is used by an earlier rule");
      }
      if (rule.getWhen() == null || rule.getWhen().isBlank()) {
        problem(path + ".when", "required: a CEL expression that is true for the calls it matches");
      } else if (bytes(rule.getWhen()) > MAX_EXPRESSION_BYTES) {
        problem(path + ".when", "at most " + MAX_EXPRESSION_BYTES + " bytes are allowed");
      }
      if (rule.getAction() == null) {
        problem(path + ".action", "required: Allow, Deny or Audit");
      }
      if (rule.getMessage() != null && bytes(rule.getMessage()) > MAX_MESSAGE_BYTES) {
        problem(path + ".message", "at most " + MAX_MESSAGE_BYTES + " bytes are allowed");
      }
    }
  }

  private void limits(ToolPolicyLimits limits) {
    if (limits == null) {
      return;
    }
    positive("maxExecSeconds", limits, ToolPolicyLimits::getMaxExecSeconds);
    positive("maxOutputBytes", limits, ToolPolicyLimits::getMaxOutputBytes);
    positive("maxFileBytes", limits, ToolPolicyLimits::getMaxFileBytes);
    positive("maxConcurrentExecs", limits, ToolPolicyLimits::getMaxConcurrentExecs);
    positive("callsPerMinute", limits, ToolPolicyLimits::getCallsPerMinute);
    // Zero sandboxes is a meaningful limit: the tenant may not create any.
    Integer sandboxes = limits.getMaxSandboxes();
    if (sandboxes != null && sandboxes < 0) {
      problem("spec.limits.maxSandboxes", "must not be negative, got " + sandboxes);
    }
  }

  private void positive(
      String field, ToolPolicyLimits limits, Function<ToolPolicyLimits, ? extends Number> get) {
    Number value = get.apply(limits);
    if (value != null && value.longValue() < 1) {
      problem("spec.limits." + field, "must be at least 1, got " + value);
    }
  }

  private void problem(String path, String message) {
    problems.add(path + ": " + message);
  }

  private static int bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
