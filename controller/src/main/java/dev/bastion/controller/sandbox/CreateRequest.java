package dev.bastion.controller.sandbox;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * An agent's request for a new sandbox, validated on construction.
 *
 * @param timeoutSeconds lifetime; 0 for the server's default
 * @param snapshot the id of the tenant's snapshot to continue from, or empty
 */
public record CreateRequest(
    String tenant,
    String template,
    String warmPool,
    Map<String, String> labels,
    Map<String, String> env,
    long timeoutSeconds,
    String snapshot) {

  static final int MAX_ENV = 256;
  static final int MAX_ENV_BYTES = 64 * 1024;
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

  public CreateRequest {
    labels = Map.copyOf(labels);
    env = Map.copyOf(env);
    int sources =
        (template.isEmpty() ? 0 : 1) + (warmPool.isEmpty() ? 0 : 1) + (snapshot.isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw SandboxError.invalid("set exactly one of template, warm_pool or snapshot");
    }
    if (!snapshot.isEmpty() && !env.isEmpty()) {
      throw SandboxError.invalid(
          "env cannot be set for a sandbox made from a snapshot: its processes keep the"
              + " snapshot's environment");
    }
    if (timeoutSeconds < 0) {
      throw SandboxError.invalid("timeout_seconds must not be negative");
    }
    Labels.validate(labels);
    validateEnv(env);
  }

  /** A request for a sandbox from a template or a warm pool. */
  public CreateRequest(
      String tenant,
      String template,
      String warmPool,
      Map<String, String> labels,
      Map<String, String> env,
      long timeoutSeconds) {
    this(tenant, template, warmPool, labels, env, timeoutSeconds, "");
  }

  private static void validateEnv(Map<String, String> env) {
    if (env.size() > MAX_ENV) {
      throw SandboxError.invalid("at most " + MAX_ENV + " environment variables are allowed");
    }
    long bytes = 0;
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw SandboxError.invalid(
            "invalid environment variable name '" + Labels.abbreviate(e.getKey()) + "'");
      }
      if (e.getValue().indexOf('\0') >= 0) {
        throw SandboxError.invalid("environment variable " + e.getKey() + " contains a NUL byte");
      }
      bytes += e.getKey().length() + e.getValue().length();
    }
    if (bytes > MAX_ENV_BYTES) {
      throw SandboxError.invalid("environment is larger than " + MAX_ENV_BYTES + " bytes");
    }
  }
}
