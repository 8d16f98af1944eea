package dev.bastion.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that acts inside sandboxes over gRPC (create, exec, cp): it gets the server options,
 * and any {@link CliException} becomes one {@code error:} line on stderr and exit code 1, as for
 * the HTTP commands ({@link ClientCommand}).
 */
abstract class SandboxCommand implements Callable<Integer> {

  @Mixin ServerOptions server;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BastionGrpc grpc = server.grpc()) {
      return run(grpc, out, err);
    } catch (CliException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Does the command's work; returns the exit code. */
  abstract int run(BastionGrpc grpc, PrintWriter out, PrintWriter err) throws CliException;
}
