package dev.bastion.controller.policy;

import dev.bastion.controller.model.ToolPolicyLimits;
import java.util.function.Function;

/** The limits a ToolPolicy can set, named as in its {@code spec.limits}. */
public enum Limit {
  MAX_EXEC_SECONDS("maxExecSeconds", ToolPolicyLimits::getMaxExecSeconds),
  MAX_OUTPUT_BYTES("maxOutputBytes", ToolPolicyLimits::getMaxOutputBytes),
  MAX_FILE_BYTES("maxFileBytes", ToolPolicyLimits::getMaxFileBytes),
  MAX_CONCURRENT_EXECS("maxConcurrentExecs", ToolPolicyLimits::getMaxConcurrentExecs),
  CALLS_PER_MINUTE("callsPerMinute", ToolPolicyLimits::getCallsPerMinute),
  MAX_SANDBOXES("maxSandboxes", ToolPolicyLimits::getMaxSandboxes);

  private final String field;
  private final Function<ToolPolicyLimits, ? extends Number> read;

  Limit(String field, Function<ToolPolicyLimits, ? extends Number> read) {
    this.field = field;
    this.read = read;
  }

  /** The field's name in {@code spec.limits}. */
  public String field() {
    return field;
  }

  Number read(ToolPolicyLimits limits) {
    return read.apply(limits);
  }
}
