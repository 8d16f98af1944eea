package dev.bastion.gateway.cli;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxesGrpcClient;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion create}: a sandbox from a warm pool or a template; prints its id. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a sandbox and prints its id once it is ready.",
      "Example: id=$(bastion create --pool python) && bastion exec $id -- python3 -V"
    })
public final class CreateCommand extends SandboxCommand {

  static final class Source {
    @Option(names = "--pool", paramLabel = "POOL", description = "A warm pool to claim from.")
    String pool;

    @Option(names = "--template", paramLabel = "TEMPLATE", description = "A template, cold.")
    String template;
  }

  @ArgGroup(multiplicity = "1")
  Source source;

  @Option(
      names = {"-l", "--label"},
      paramLabel = "KEY=VALUE",
      description = "A label for the sandbox (repeatable).")
  Map<String, String> labels = Map.of();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "The sandbox's lifetime (default: the server's, 1 h).")
  long timeoutSeconds;

  @Override
  int run(BastionGrpc grpc, PrintWriter out, PrintWriter err) throws CliException {
    CreateSandboxRequest.Builder request =
        CreateSandboxRequest.newBuilder().putAllLabels(labels).setTimeoutSeconds(timeoutSeconds);
    if (source.pool != null) {
      request.setWarmPool(source.pool);
    } else {
      request.setTemplate(source.template);
    }
    Sandbox sandbox = grpc.call(SandboxesGrpcClient.Create, request.build());
    if (sandbox.getPhase() != Sandbox.Phase.READY) {
      throw new CliException(
          "sandbox " + sandbox.getId() + " is " + sandbox.getPhase() + ": " + sandbox.getMessage());
    }
    out.println(sandbox.getId());
    return 0;
  }
}
