package dev.bastion.gateway;

import dev.bastion.gateway.cli.ApplyCommand;
import dev.bastion.gateway.cli.AuditCommand;
import dev.bastion.gateway.cli.DeleteCommand;
import dev.bastion.gateway.cli.GetCommand;
import dev.bastion.gateway.server.ServeCommand;
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
      AuditCommand.class
    })
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
