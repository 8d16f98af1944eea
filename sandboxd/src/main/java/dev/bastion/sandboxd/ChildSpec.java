package dev.bastion.sandboxd;

import java.util.ArrayList;
import java.util.List;

/**
 * Exactly what to execute: the program's path, its argv, its whole environment and its working
 * directory, as {@link Spawner} hands them to {@code posix_spawn}.
 *
 * @param program the file to execute, absolute or relative to {@code dir}
 * @param argv the arguments, {@code argv[0]} as the client gave it
 * @param environment {@code NAME=value} entries
 * @param dir the working directory, absolute
 */
record ChildSpec(String program, List<String> argv, List<String> environment, String dir) {

  static final String SHELL = "/bin/sh";

  ChildSpec {
    argv = List.copyOf(argv);
    environment = List.copyOf(environment);
  }

  /** The command's name as the client gave it, for messages. */
  String name() {
    return argv.getFirst();
  }

  boolean isShell() {
    return program.equals(SHELL);
  }

  /**
   * The same command run by the shell, as {@code execvp} does with a file the kernel cannot execute
   * itself (a script without a {@code #!} line).
   */
  ChildSpec asShellScript() {
    List<String> shellArgv = new ArrayList<>(List.of(SHELL, program));
    shellArgv.addAll(argv.subList(1, argv.size()));
    return new ChildSpec(SHELL, shellArgv, environment, dir);
  }

  /**
   * A stand-in that reports why the command cannot run as a shell would, through the normal
   * streams: {@code name: reason} on stderr and {@code exitCode} (127 for a command not found, 126
   * for one that cannot be executed).
   */
  ChildSpec failure(String reason, int exitCode) {
    return new ChildSpec(
        SHELL,
        List.of(
            SHELL,
            "-c",
            "printf '%s: %s\\n' \"$1\" \"$2\" >&2; exit " + exitCode,
            "sh",
            name(),
            reason),
        environment,
        dir);
  }
}
