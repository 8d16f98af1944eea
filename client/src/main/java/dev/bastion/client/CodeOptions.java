package dev.bastion.client;

import dev.bastion.api.v1.RunCodeRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * A cell for {@link Sandbox#runCode(CodeOptions)}: its code, and where and how long it runs. By
 * default it runs in the sandbox's Python context, which keeps its variables from cell to cell.
 */
public final class CodeOptions {

  private final String code;
  private String language = "";
  private String contextId = "";
  private long timeoutSeconds;

  private CodeOptions(String code) {
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Runs {@code code}. */
  public static CodeOptions code(String code) {
    return new CodeOptions(code);
  }

  /**
   * The language of the sandbox's default context to run in: {@code python} (the default) or
   * another installed Jupyter kernelspec's name. Ignored when {@link #context} names one.
   */
  public CodeOptions language(String language) {
    this.language = Checks.notBlank(language, "language");
    return this;
  }

  /** Runs in the context {@code id} ({@link SandboxContexts#create}) instead of the default one. */
  public CodeOptions context(String id) {
    this.contextId = Checks.notBlank(id, "context id");
    return this;
  }

  /** {@link #context(String)} for a context made before. */
  public CodeOptions context(ContextInfo context) {
    return context(Objects.requireNonNull(context, "context").id());
  }

  /**
   * Interrupts the cell after {@code timeout} and reports {@link Execution#timedOut()}; the context
   * keeps its state. By default the server's (and at most a policy's maxExecSeconds).
   */
  public CodeOptions timeout(Duration timeout) {
    this.timeoutSeconds = Checks.seconds(timeout, "timeout");
    return this;
  }

  RunCodeRequest toRequest(String sandboxId) {
    return RunCodeRequest.newBuilder()
        .setSandboxId(sandboxId)
        .setContextId(contextId)
        .setLanguage(language)
        .setCode(code)
        .setTimeoutSeconds(timeoutSeconds)
        .build();
  }
}
