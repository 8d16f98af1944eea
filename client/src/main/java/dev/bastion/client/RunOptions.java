package dev.bastion.client;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.RunRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A command for {@link Sandbox#run(RunOptions)}: it runs to its end and its output comes back
 * whole, bounded by the output cap (per stream).
 */
public final class RunOptions extends CommandOptions<RunOptions> {

  private ByteString stdin = ByteString.EMPTY;

  private RunOptions(String... argv) {
    super(argv);
  }

  /** Runs {@code argv}: the program, then its arguments, with no shell in between. */
  public static RunOptions command(String... argv) {
    return new RunOptions(argv);
  }

  /** What the command reads on its standard input; by default it reads end of file at once. */
  public RunOptions stdin(byte[] input) {
    stdin = ByteString.copyFrom(Objects.requireNonNull(input, "stdin"));
    return this;
  }

  /** {@link #stdin(byte[])} with {@code text} in UTF-8. */
  public RunOptions stdin(String text) {
    return stdin(Objects.requireNonNull(text, "stdin").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  RunOptions self() {
    return this;
  }

  RunRequest toRequest(String sandboxId) {
    return RunRequest.newBuilder()
        .setSandboxId(sandboxId)
        .addAllArgv(argv)
        .putAllEnv(env)
        .setCwd(cwd)
        .setStdin(stdin)
        .setTimeoutSeconds(timeoutSeconds)
        .setMaxOutputBytes(maxOutputBytes)
        .build();
  }
}
