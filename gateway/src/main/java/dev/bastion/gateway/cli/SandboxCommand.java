package dev.bastion.gateway.cli;

/** A command that acts inside sandboxes (create, exec, shell, cp), over gRPC. */
abstract class SandboxCommand extends ServerCommand<BastionGrpc> {

  @Override
  final BastionGrpc open(ServerOptions server) throws CliException {
    return server.grpc();
  }
}
