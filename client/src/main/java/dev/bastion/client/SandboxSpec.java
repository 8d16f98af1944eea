package dev.bastion.client;

import dev.bastion.api.v1.CreateSandboxRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Sandboxes#create(SandboxSpec)} makes: a sandbox started cold from a template, claimed
 * from a warm pool (already running, so it is ready in milliseconds; the server starts one cold
 * when the pool is empty or when {@link #env} is given), or a copy of a snapshot that continues its
 * processes. Labels, environment (not for a snapshot's copy) and lifetime are optional. Not
 * thread-safe; the SDK reads it once, when the call is made.
 */
public final class SandboxSpec {

  private final String template;
  private final String warmPool;
  private final String snapshot;
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private long timeoutSeconds;

  private SandboxSpec(String template, String warmPool, String snapshot) {
    this.template = template;
    this.warmPool = warmPool;
    this.snapshot = snapshot;
  }

  /** A sandbox started for this call from template {@code name}, e.g. {@code "python"}. */
  public static SandboxSpec template(String name) {
    return new SandboxSpec(Checks.notBlank(name, "template"), "", "");
  }

  /** A sandbox claimed from warm pool {@code name}, e.g. {@code "python"}. */
  public static SandboxSpec warmPool(String name) {
    return new SandboxSpec("", Checks.notBlank(name, "warm pool"), "");
  }

  /**
   * A copy of snapshot {@code id} ({@link Sandbox#snapshot()}): its processes continue where the
   * snapshot left them, with the copy's own id, hostname and {@code /workspace}. Embedded mode
   * only.
   */
  public static SandboxSpec snapshot(String id) {
    return new SandboxSpec("", "", Checks.notBlank(id, "snapshot"));
  }

  /** A label, to find the sandbox again with {@link Sandboxes#list(String)}. */
  public SandboxSpec label(String key, String value) {
    labels.put(Checks.notBlank(key, "a label's key"), Objects.requireNonNull(value, key));
    return this;
  }

  /** An environment variable every process in the sandbox gets (a call's own env wins). */
  public SandboxSpec env(String name, String value) {
    Checks.putEnv(env, name, value);
    return this;
  }

  /** How long the sandbox lives before the server deletes it; default the server's. */
  public SandboxSpec timeout(Duration lifetime) {
    timeoutSeconds = Checks.seconds(lifetime, "a sandbox's timeout");
    return this;
  }

  CreateSandboxRequest toRequest() {
    return CreateSandboxRequest.newBuilder()
        .setTemplate(template)
        .setWarmPool(warmPool)
        .setSnapshot(snapshot)
        .putAllLabels(labels)
        .putAllEnv(env)
        .setTimeoutSeconds(timeoutSeconds)
        .build();
  }
}
