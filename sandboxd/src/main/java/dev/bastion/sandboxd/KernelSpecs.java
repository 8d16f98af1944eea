package dev.bastion.sandboxd;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a context's kernel comes from: the Jupyter kernelspecs installed in the image ({@code
 * kernel.json} under the standard data directories). {@code python} names {@code python3}, which
 * Debian's python3-ipykernel installs.
 */
final class KernelSpecs {

  private static final List<Path> DIRS =
      List.of(Path.of("/usr/local/share/jupyter/kernels"), Path.of("/usr/share/jupyter/kernels"));
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final int MAX_SPEC_BYTES = 64 * 1024;

  private KernelSpecs() {}

  /** The language a request names; none means Python. */
  static String language(String requested) {
    return requested.isEmpty() ? "python" : requested;
  }

  /** The kernelspec name {@code language} stands for. */
  static String name(String language) {
    return language(language).equals("python") ? "python3" : language;
  }

  /**
   * The command that starts kernel {@code name} with {@code connectionFile}.
   *
   * @throws StatusException INVALID_ARGUMENT for a name that is no installed kernelspec
   */
  static List<String> argv(String name, Path connectionFile) throws StatusException {
    if (!NAME.matcher(name).matches()) {
      throw GrpcErrors.invalid("language " + name + " is not a kernelspec name");
    }
    for (Path dir : DIRS) {
      Path spec = dir.resolve(name).resolve("kernel.json");
      if (Files.isRegularFile(spec, LinkOption.NOFOLLOW_LINKS)) {
        return argvOf(spec, connectionFile);
      }
    }
    throw GrpcErrors.invalid(
        "no Jupyter kernel for language " + name + " is installed in this sandbox");
  }

  private static List<String> argvOf(Path spec, Path connectionFile) throws StatusException {
    try (InputStream in = Files.newInputStream(spec)) {
      byte[] content = in.readNBytes(MAX_SPEC_BYTES + 1);
      JsonArray argv =
          new JsonObject(new String(content, StandardCharsets.UTF_8)).getJsonArray("argv");
      if (content.length > MAX_SPEC_BYTES || argv == null || argv.isEmpty()) {
        throw GrpcErrors.invalid("the kernelspec " + spec + " has no argv");
      }
      List<String> command = new ArrayList<>();
      for (Object arg : argv) {
        command.add(String.valueOf(arg).replace("{connection_file}", connectionFile.toString()));
      }
      return command;
    } catch (IOException | DecodeException | ClassCastException e) {
      throw GrpcErrors.invalid("the kernelspec " + spec + " cannot be read");
    }
  }
}
