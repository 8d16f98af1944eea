package dev.bastion.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a Bastion server: it gets the server options, and any {@link
 * CliException} becomes one {@code error:} line on stderr and exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {

  @Mixin ServerOptions server;

  // Output goes through picocli's writers so callers (and tests) can redirect it.
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BastionHttp http = server.client()) {
      return run(http, out, err);
    } catch (CliException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (ClassCastException e) {
      // A field of a successful answer had another JSON type than the contract says.
      err.println("error: the server's answer does not have the expected shape");
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Does the command's work; returns the exit code. */
  abstract int run(BastionHttp http, PrintWriter out, PrintWriter err) throws CliException;
}
