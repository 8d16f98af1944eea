package dev.bastion.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a Bastion server through a client it opens for the call ({@link
 * BastionHttp} for the resource API, {@link BastionGrpc} for work inside sandboxes): it gets the
 * server options, and any {@link CliException} becomes one {@code error:} line on stderr and exit
 * code 1.
 */
abstract class ServerCommand<C extends ServerCommand.Client> implements Callable<Integer> {

  /** A connection to the server, closed when the command ends. */
  interface Client extends AutoCloseable {
    @Override
    void close();
  }

  @Mixin ServerOptions server;

  // Output goes through picocli's writers so callers (and tests) can redirect it.
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (C client = open(server)) {
      return run(client, out, err);
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

  /** The client this kind of command talks through. */
  abstract C open(ServerOptions server) throws CliException;

  /** Does the command's work; returns the exit code. */
  abstract int run(C client, PrintWriter out, PrintWriter err) throws CliException;
}
