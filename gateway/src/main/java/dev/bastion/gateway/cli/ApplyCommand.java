package dev.bastion.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code bastion apply -f FILE}: creates or updates the resources described in YAML files. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = "Creates or updates resources from YAML files, like kubectl apply.")
public final class ApplyCommand extends ClientCommand {

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description =
          "YAML file with one or more resources ('-' for stdin); repeat for more files, applied in"
              + " order.")
  List<String> files;

  /** Read for {@code -f -}; replaceable so tests need not swap System.in. */
  Supplier<InputStream> stdin = () -> System.in;

  @Override
  int run(BastionHttp http, PrintWriter out, PrintWriter err) throws CliException {
    if (files.stream().filter(ManifestFile.STDIN::equals).count() > 1) {
      throw new ParameterException(spec.commandLine(), "-f - (stdin) may be given only once");
    }
    // Every file is read before the first is sent, so a typo in the last one applies nothing.
    List<byte[]> bodies = new ArrayList<>();
    for (String file : files) {
      bodies.add(ManifestFile.read(file, stdin).bytes());
    }
    for (byte[] body : bodies) {
      JsonArray results = http.apply(body).getJsonArray("results", new JsonArray());
      for (Object result : results) {
        if (result instanceof JsonObject applied) {
          out.println(
              applied.getString("kind", "").toLowerCase(Locale.ROOT)
                  + "/"
                  + applied.getString("name", "")
                  + " "
                  + applied.getString("action", ""));
        }
      }
    }
    return 0;
  }
}
