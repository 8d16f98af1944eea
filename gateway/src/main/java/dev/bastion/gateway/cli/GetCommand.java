package dev.bastion.gateway.cli;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code bastion get KIND [NAME]}: lists resources, or shows one, as a table, JSON or YAML. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Lists resources of a kind, or shows one, like kubectl get.")
public final class GetCommand extends ClientCommand {

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "Resource kind, e.g. sandbox, sandboxclaim, swp, sandboxtemplate.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One resource.")
  String name;

  private String output;

  // Checked while parsing, so a bad format is a usage error (exit 2) before anything is sent.
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "wide (table with labels), yaml or json; a table when absent.")
  void output(String format) {
    if (format != null && !format.matches("wide|yaml|json")) {
      throw new ParameterException(
          spec.commandLine(), "unknown output format '" + format + "': use wide, yaml or json");
    }
    output = format;
  }

  @Override
  int run(BastionHttp http, PrintWriter out, PrintWriter err) throws CliException {
    JsonObject answer = http.get(kind, name);
    JsonArray items = answer.getJsonArray("items", new JsonArray());
    if (items.isEmpty()) {
      err.println("No resources found.");
      return 0;
    }
    // Like kubectl: one object on its own when it was asked for by name, else a list of them.
    // Plain maps and lists inside, as Vert.x decoded them, since fabric8's YAML mapper needs those.
    JsonObject document =
        name != null ? items.getJsonObject(0) : new JsonObject().put("items", items.getList());
    switch (output == null ? "table" : output) {
      case "json" -> out.println(document.encodePrettily());
      case "yaml" -> out.print(new KubernetesSerialization().asYaml(document.getMap()));
      default ->
          ResourceTable.render(
                  answer.getString("kind"), items, "wide".equals(output), Instant.now())
              .forEach(out::println);
    }
    return 0;
  }
}
