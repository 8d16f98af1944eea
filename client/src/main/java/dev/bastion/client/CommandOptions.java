package dev.bastion.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link RunOptions} and {@link ExecOptions} share: the command and how it runs. Not
 * thread-safe; the SDK reads options once, when the call is made.
 *
 * @param <T> the concrete options, so that every setter chains
 */
public abstract sealed class CommandOptions<T extends CommandOptions<T>>
    permits RunOptions, ExecOptions {

  final List<String> argv;
  final Map<String, String> env = new LinkedHashMap<>();
  String cwd = "";
  long timeoutSeconds;
  long maxOutputBytes;

  CommandOptions(String... argv) {
    Objects.requireNonNull(argv, "argv");
    if (argv.length == 0) {
      throw new IllegalArgumentException("a command needs at least its program: argv is empty");
    }
    this.argv = List.of(argv);
    Checks.notBlank(argv[0], "the program, argv[0],");
  }

  abstract T self();

  /** An environment variable for this command, over the sandbox's own. */
  public T env(String name, String value) {
    Checks.putEnv(env, name, value);
    return self();
  }

  /** The working directory, inside {@code /workspace}; default {@code /workspace}. */
  public T cwd(String directory) {
    cwd = Checks.notBlank(directory, "the working directory");
    return self();
  }

  /**
   * Kills the command's whole process group after this long (rounded up to seconds); default the
   * server's.
   */
  public T timeout(Duration timeout) {
    timeoutSeconds = Checks.seconds(timeout, "a command's timeout");
    return self();
  }

  /**
   * Output beyond this many bytes is dropped and reported as truncated; default the server's cap.
   */
  public T maxOutputBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, not " + bytes);
    }
    maxOutputBytes = bytes;
    return self();
  }
}
