package dev.bastion.sandboxd;

import io.vertx.grpc.server.StatusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated request to start a process (from Exec or Run) and how to turn it into a {@link
 * ChildSpec}.
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
   * What to execute: a clean environment (the image's and the request's variables over a small
   * default), the confined working directory, and the program found on the child's PATH as execvp
   * would find it; a command that is not there becomes the stand-in that says so (exit 127,
   * "<name>: command not found"). Touches the filesystem: call off the event loop.
   */
  ChildSpec toChild(WorkspacePaths paths, ProcessDefaults defaults) throws StatusException {
    Path dir =
        cwd.isEmpty()
            ? defaults.cwd().orElse(paths.hostRoot())
            : paths.resolveFollowing(cwd).host();
    if (!Files.isDirectory(dir)) {
      throw GrpcErrors.invalid("cwd " + cwd + " is not an existing directory");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    environment.put("HOME", paths.hostRoot().toString());
    environment.put("LANG", "C.UTF-8");
    environment.put("TERM", terminal.isPresent() ? "xterm-256color" : "dumb");
    environment.putAll(defaults.env());
    environment.putAll(env);
    List<String> entries =
        environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();

    String program = argv.get(0);
    if (program.contains("/")) {
      return new ChildSpec(program, argv, entries, dir.toString());
    }
    return onPath(program, environment.getOrDefault("PATH", ""), dir)
        .map(found -> new ChildSpec(found.toString(), argv, entries, dir.toString()))
        .orElseGet(
            () ->
                new ChildSpec(program, argv, entries, dir.toString())
                    .failure("command not found", 127));
  }

  /** Mirrors execvp's search of the child's PATH. */
  private static Optional<Path> onPath(String program, String path, Path cwd) {
    for (String entry : path.split(":", -1)) {
      Path candidate = (entry.isEmpty() ? cwd : cwd.resolve(entry)).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
