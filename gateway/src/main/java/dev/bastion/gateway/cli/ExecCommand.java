package dev.bastion.gateway.cli;

import dev.bastion.api.v1.ExecStart;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bastion exec}: runs a command in a sandbox, joined to this terminal. */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a command in a sandbox: its output streams here, and the command exits with the"
          + " process's exit code (128 + N when signal N ended it, 124 on the sandbox's timeout).",
      "Example: bastion exec -i $id -- python3 - < script.py"
    })
public final class ExecCommand extends SandboxCommand {

  @Option(
      names = {"-i", "--interactive"},
      description = "Forward stdin to the process (else its stdin is closed).")
  boolean interactive;

  @Option(
      names = {"-t", "--tty"},
      description =
          "Run on a pseudo-terminal, with this terminal in raw mode and its size followed.")
  boolean tty;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "NAME=VALUE",
      description = "An environment variable (repeatable).")
  Map<String, String> env = Map.of();

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory.")
  String workdir = "";

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Kill the process after this long (default: the server's).")
  long timeoutSeconds;

  @Parameters(index = "0", paramLabel = "ID", description = "The sandbox.")
  String sandboxId;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments, after --.")
  List<String> command;

  @Override
  int run(BastionGrpc grpc, PrintWriter out, PrintWriter err) throws CliException {
    return join(grpc, sandboxId, command, interactive, tty, env, workdir, timeoutSeconds);
  }

  /** Runs {@code command} in {@code sandbox}, joined to this process's stdin, stdout and stderr. */
  static int join(
      BastionGrpc grpc,
      String sandbox,
      List<String> command,
      boolean interactive,
      boolean tty,
      Map<String, String> env,
      String workdir,
      long timeoutSeconds)
      throws CliException {
    ExecStart.Builder start =
        ExecStart.newBuilder()
            .setSandboxId(sandbox)
            .addAllArgv(command)
            .putAllEnv(env)
            .setCwd(workdir)
            .setTimeoutSeconds(timeoutSeconds)
            .setStdin(interactive);
    if (tty && !TerminalMode.available()) {
      throw new CliException("-t needs a terminal: run it from one, or leave -t out");
    }
    if (tty) {
      start.setPty(
          TerminalMode.size()
              .orElseThrow(() -> new CliException("cannot read the terminal's size")));
      start.putEnv("TERM", System.getenv().getOrDefault("TERM", "xterm-256color"));
    }
    // The process's bytes go out as they are: not through the command's character writers.
    ExecSession session =
        new ExecSession(
            start.build(),
            new FileInputStream(FileDescriptor.in),
            new FileOutputStream(FileDescriptor.out),
            new FileOutputStream(FileDescriptor.err),
            TerminalMode::size);
    if (!tty) {
      return session.run(grpc);
    }
    try (TerminalMode raw = TerminalMode.raw()) {
      return session.run(grpc);
    }
  }
}
