package dev.bastion.client;

import dev.bastion.api.v1.ExecStart;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A command for {@link Sandbox#exec(ExecOptions)}: it streams its output while it runs, and may
 * read what the caller writes to its standard input.
 *
 * <p>Its events reach either the callbacks set here, or — when none is set — the subscriber of
 * {@link ExecHandle#events()}. Callbacks run on the SDK's executor (never on an event loop), one at
 * a time and in order; they may block, which holds back the process's output (as a full pipe would)
 * rather than anything else. A callback that throws ends the delivery of this exec's events.
 */
public final class ExecOptions extends CommandOptions<ExecOptions> {

  private boolean stdin;
  private String tag = "";
  Consumer<String> onStdout;
  Consumer<String> onStderr;
  Consumer<ExecEvent.Exited> onExit;

  private ExecOptions(String... argv) {
    super(argv);
  }

  /** Runs {@code argv}: the program, then its arguments, with no shell in between. */
  public static ExecOptions command(String... argv) {
    return new ExecOptions(argv);
  }

  /**
   * Keeps the process's standard input open for {@link ExecHandle#write(byte[])} until {@link
   * ExecHandle#closeStdin()}; by default it reads end of file at once.
   */
  public ExecOptions openStdin() {
    stdin = true;
    return this;
  }

  /**
   * A name for the process, unique among the sandbox's running ones. A tagged process outlives its
   * caller's connection; an untagged one is killed when the caller goes away.
   */
  public ExecOptions tag(String name) {
    tag = Checks.notBlank(name, "tag");
    return this;
  }

  /** Receives standard output as text, decoded from UTF-8 across chunks. */
  public ExecOptions onStdout(Consumer<String> callback) {
    onStdout = Objects.requireNonNull(callback, "onStdout");
    return this;
  }

  /** Receives standard error as text, decoded from UTF-8 across chunks. */
  public ExecOptions onStderr(Consumer<String> callback) {
    onStderr = Objects.requireNonNull(callback, "onStderr");
    return this;
  }

  /** Called once the process ended, after every output callback. */
  public ExecOptions onExit(Consumer<ExecEvent.Exited> callback) {
    onExit = Objects.requireNonNull(callback, "onExit");
    return this;
  }

  boolean hasCallbacks() {
    return onStdout != null || onStderr != null || onExit != null;
  }

  boolean stdinOpen() {
    return stdin;
  }

  @Override
  ExecOptions self() {
    return this;
  }

  ExecStart toStart(String sandboxId) {
    return ExecStart.newBuilder()
        .setSandboxId(sandboxId)
        .addAllArgv(argv)
        .putAllEnv(env)
        .setCwd(cwd)
        .setTimeoutSeconds(timeoutSeconds)
        .setTag(tag)
        .setStdin(stdin)
        .setMaxOutputBytes(maxOutputBytes)
        .build();
  }
}
