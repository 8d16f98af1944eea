package dev.bastion.sandboxd;

import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated request to start a process (from Exec or Run) and how to turn it into a {@link
 * ProcessBuilder}.
 *
 * @param argv the command and its arguments
 * @param env variables that override the clean default environment
 * @param cwd the working directory as the client gave it; empty means the workspace
 * @param timeoutSeconds the effective timeout after defaults and the cap are applied
 * @param terminal the size of the pseudo-terminal to run on; empty means pipes
 */
record LaunchSpec(
    List<String> argv,
    Map<String, String> env,
    String cwd,
    long timeoutSeconds,
    Optional<TerminalSize> terminal) {

  static final int MAX_ARGS = 1024;
  static final int MAX_ENV_ENTRIES = 1024;
  static final int MAX_TOTAL_BYTES = 256 * 1024;

  // Stands in for a command that is not on PATH, so the client sees what a shell would show
  // (exit 127, "<name>: command not found") through the normal event stream.
  private static final String NOT_FOUND_SCRIPT =
      "printf '%s: command not found\\n' \"$1\" >&2; exit 127";

  /** Validates the request's fields against sandboxd's limits. */
  static LaunchSpec of(
      List<String> argv,
      Map<String, String> env,
      String cwd,
      long timeoutSeconds,
      Optional<TerminalSize> terminal,
      SandboxdConfig config)
      throws StatusException {
    if (argv.isEmpty()) {
      throw GrpcErrors.invalid("argv must not be empty");
    }
    if (argv.size() > MAX_ARGS) {
      throw GrpcErrors.invalid("argv has more than " + MAX_ARGS + " entries");
    }
    if (env.size() > MAX_ENV_ENTRIES) {
      throw GrpcErrors.invalid("env has more than " + MAX_ENV_ENTRIES + " entries");
    }
    long argvBytes = 0;
    for (String arg : argv) {
      if (arg.indexOf('\0') >= 0) {
        throw GrpcErrors.invalid("argv must not contain NUL bytes");
      }
      argvBytes += arg.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    if (argv.get(0).isEmpty()) {
      throw GrpcErrors.invalid("argv[0] must not be empty");
    }
    long envBytes = 0;
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (name.isEmpty()
          || name.indexOf('=') >= 0
          || name.indexOf('\0') >= 0
          || e.getValue().indexOf('\0') >= 0) {
        throw GrpcErrors.invalid("env name " + name + " is not valid");
      }
      envBytes +=
          name.getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length
              + 2;
    }
    if (argvBytes > MAX_TOTAL_BYTES || envBytes > MAX_TOTAL_BYTES) {
      throw GrpcErrors.invalid("argv and env must each be at most " + MAX_TOTAL_BYTES + " bytes");
    }
    if (timeoutSeconds < 0) {
      throw GrpcErrors.invalid("timeout_seconds must not be negative");
    }
    long timeout =
        timeoutSeconds == 0
            ? config.defaultTimeoutSeconds()
            : Math.min(timeoutSeconds, config.maxTimeoutSeconds());
    return new LaunchSpec(List.copyOf(argv), Map.copyOf(env), cwd, timeout, terminal);
  }

  /**
   * Builds the process: a clean environment, the confined working directory, and {@code setsid} so
   * the process leads its own group and can be killed with everything it spawned. On a terminal,
   * {@code setsid --ctty} also makes its stdin (the terminal, redirected by the caller) the new
   * session's controlling terminal, so job control and ^C work. The process becomes {@code user}
   * before anything of the client's runs. Touches the filesystem: call off the event loop.
   */
  ProcessBuilder toProcessBuilder(WorkspacePaths paths, AgentUser user, ProcessDefaults defaults)
      throws StatusException {
    Path dir =
        cwd.isEmpty()
            ? defaults.cwd().orElse(paths.hostRoot())
            : paths.resolveFollowing(cwd).host();
    if (!Files.isDirectory(dir)) {
      throw GrpcErrors.invalid("cwd " + cwd + " is not an existing directory");
    }
    ProcessBuilder builder = new ProcessBuilder().directory(dir.toFile());
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    environment.put("HOME", paths.hostRoot().toString());
    environment.put("LANG", "C.UTF-8");
    environment.put("TERM", terminal.isPresent() ? "xterm-256color" : "dumb");
    environment.putAll(defaults.env());
    environment.putAll(env);

    List<String> command = new ArrayList<>(List.of(defaults.setsid().toString()));
    if (terminal.isPresent()) {
      command.add("--ctty");
    }
    command.add("--");
    String program = argv.get(0);
    if (program.contains("/") || onPath(program, environment.getOrDefault("PATH", ""), dir)) {
      command.addAll(argv);
    } else {
      command.addAll(List.of("/bin/sh", "-c", NOT_FOUND_SCRIPT, "sh", program));
    }
    return builder.command(user.wrap(defaults.setpriv(), command));
  }

  /** Mirrors execvp's search, which setsid performs with the child's PATH. */
  private static boolean onPath(String program, String path, Path cwd) {
    for (String entry : path.split(":", -1)) {
      Path candidate = (entry.isEmpty() ? cwd : cwd.resolve(entry)).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }
}
