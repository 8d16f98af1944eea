package dev.bastion.gateway;

import dev.bastion.gateway.cli.ApplyCommand;
import dev.bastion.gateway.cli.AuditCommand;
import dev.bastion.gateway.cli.CopyCommand;
import dev.bastion.gateway.cli.CreateCommand;
import dev.bastion.gateway.cli.DeleteCommand;
import dev.bastion.gateway.cli.ExecCommand;
import dev.bastion.gateway.cli.GetCommand;
import dev.bastion.gateway.cli.ShellCommand;
import dev.bastion.gateway.images.ImageCommand;
import dev.bastion.gateway.images.ImagesCommand;
import dev.bastion.gateway.server.ServeCommand;
import dev.bastion.loadtest.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command line. */
@Command(
    name = "bastion",
    mixinStandardHelpOptions = true,
    version = "bastion 0.1.0",
    description = "Runs untrusted, LLM-generated code for AI agents in gVisor sandboxes.",
    subcommands = {
      ServeCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      CreateCommand.class,
      ExecCommand.class,
      ShellCommand.class,
      CopyCommand.class,
      AuditCommand.class,
      BenchCommand.class,
      ImagesCommand.class,
      ImageCommand.class
    })
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The CLI as {@code main} runs it; tests run it in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    // bench's flags are ghz's, many and terse: a bad one gets one line, not the whole usage.
    cli.setParameterExceptionHandler(
        (error, args) ->
            error.getCommandLine().getCommand() instanceof BenchCommand
                ? BenchCommand.usageError(error)
                : usage.handleParseException(error, args));
    return cli;
  }
}
