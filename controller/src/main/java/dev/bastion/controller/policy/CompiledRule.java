package dev.bastion.controller.policy;

import dev.bastion.controller.model.ToolPolicyRuleAction;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/** A rule whose condition is compiled and ready to evaluate. */
record CompiledRule(
    String name, ToolPolicyRuleAction action, String message, CelRuntime.Program when) {

  /**
   * Whether the condition holds for the call.
   *
   * @throws CelEvaluationException when it cannot be decided, e.g. a missing map key
   */
  boolean matches(Map<String, Object> variables) throws CelEvaluationException {
    return Boolean.TRUE.equals(when.eval(variables));
  }
}
