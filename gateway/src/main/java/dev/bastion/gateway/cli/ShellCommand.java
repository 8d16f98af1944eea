package dev.bastion.gateway.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bastion shell}: an interactive shell in a sandbox. */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = {
      "Opens an interactive shell in a sandbox (bash when it has one, else sh), as"
          + " bastion exec -i -t ID -- bash would."
    })
public final class ShellCommand extends SandboxCommand {

  private static final List<String> SHELL =
      List.of("sh", "-c", "if command -v bash >/dev/null; then exec bash -l; else exec sh -l; fi");

  @Parameters(index = "0", paramLabel = "ID", description = "The sandbox.")
  String sandboxId;

  @Override
  int run(BastionGrpc grpc, PrintWriter out, PrintWriter err) throws CliException {
    return ExecCommand.join(
        grpc, sandboxId, SHELL, true, TerminalMode.available(), Map.of(), "", 0);
  }
}
