package dev.bastion.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bastion delete KIND NAME}: deletes one resource. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Deletes a resource, like kubectl delete.")
public final class DeleteCommand extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "Resource kind, e.g. sandbox, sandboxclaim, swp, sandboxtemplate.")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "The resource to delete.")
  String name;

  @Override
  int run(BastionHttp http, PrintWriter out, PrintWriter err) throws CliException {
    JsonObject deleted = http.delete(kind, name);
    // The server names the canonical kind, so `delete swp x` prints sandboxwarmpool/x.
    out.println(
        deleted.getString("kind", kind).toLowerCase(Locale.ROOT)
            + "/"
            + deleted.getString("name", name)
            + " "
            + deleted.getString("action", "deleted"));
    return 0;
  }
}
