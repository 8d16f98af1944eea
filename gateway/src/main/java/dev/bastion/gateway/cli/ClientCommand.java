package dev.bastion.gateway.cli;

/** A command of the resource API (apply, get, delete), over HTTP. */
abstract class ClientCommand extends ServerCommand<BastionHttp> {

  @Override
  final BastionHttp open(ServerOptions server) throws CliException {
    return server.client();
  }
}
