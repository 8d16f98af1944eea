package dev.bastion.controller.image;

import dev.bastion.controller.model.ManifestText;
import dev.bastion.controller.runtime.ProcessDefaults;
import dev.bastion.controller.runtime.SandboxPaths;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what an image's configuration says about the processes it runs: its {@code Env}, {@code
 * WorkingDir} and {@code User}. Everything else in it (entry point, command, ports, volumes) does
 * not apply: sandboxd is every sandbox's entry process.
 */
final class ImageConfig {

  static final int MAX_ENV_ENTRIES = 1024;
  static final int MAX_ENV_BYTES = 128 * 1024;

  private ImageConfig() {}

  /**
   * Reads the {@code config} object of an OCI image configuration.
   *
   * @throws ImageFailure naming {@code image} when the configuration cannot run in a sandbox
   */
  static ProcessDefaults parse(String image, String document) {
    JsonObject config;
    try {
      JsonObject root = new JsonObject(document);
      config = root.getJsonObject("config", new JsonObject());
    } catch (DecodeException | ClassCastException e) {
      throw new ImageFailure("image " + image + " has a configuration that is not valid JSON");
    }
    int[] user = user(image, config);
    return new ProcessDefaults(env(image, config), workingDir(image, config), user[0], user[1]);
  }

  private static List<String> env(String image, JsonObject config) {
    JsonArray entries = optionalArray(image, config, "Env");
    List<String> env = new ArrayList<>();
    long bytes = 0;
    for (Object entry : entries) {
      if (!(entry instanceof String text) || text.indexOf('=') <= 0 || text.indexOf('\0') >= 0) {
        throw new ImageFailure("image " + image + " has an Env entry that is not NAME=value");
      }
      bytes += text.length() + 1;
      env.add(text);
    }
    if (env.size() > MAX_ENV_ENTRIES || bytes > MAX_ENV_BYTES) {
      throw new ImageFailure(
          "image "
              + image
              + " has more Env than a sandbox takes ("
              + MAX_ENV_ENTRIES
              + " entries, "
              + MAX_ENV_BYTES
              + " bytes)");
    }
    return env;
  }

  private static Optional<String> workingDir(String image, JsonObject config) {
    Object value = config.getValue("WorkingDir");
    if (value == null || "".equals(value)) {
      return Optional.empty();
    }
    if (!(value instanceof String dir)
        || !dir.startsWith("/")
        || dir.length() > 4096
        || dir.indexOf('\0') >= 0) {
      throw new ImageFailure("image " + image + " has a WorkingDir that is not an absolute path");
    }
    return Optional.of(java.nio.file.Path.of(dir).normalize().toString());
  }

  /**
   * The numeric, non-root user the image names; none means the sandbox user. A name is refused as
   * Kubernetes refuses it under runAsNonRoot: only the image's own /etc/passwd could say whether it
   * is root, and that file is the image author's to write.
   */
  private static int[] user(String image, JsonObject config) {
    Object value = config.getValue("User");
    if (value == null || "".equals(value)) {
      return new int[] {SandboxPaths.SANDBOX_UID, SandboxPaths.SANDBOX_GID};
    }
    if (!(value instanceof String user) || !user.matches("[0-9]{1,9}(:[0-9]{1,9})?")) {
      throw new ImageFailure(
          "image "
              + image
              + " runs as user "
              + ManifestText.quote(String.valueOf(value))
              + ", which is not numeric: sandboxes need a numeric, non-root User (e.g. 1000 or"
              + " 1000:1000)");
    }
    String[] parts = user.split(":");
    int uid = Integer.parseInt(parts[0]);
    int gid = parts.length == 2 ? Integer.parseInt(parts[1]) : uid;
    if (uid == 0 || gid == 0) {
      throw new ImageFailure(
          "image "
              + image
              + " runs as root (User "
              + user
              + "): sandboxes run code as a non-root"
              + " user; rebuild it with e.g. USER 1000:1000");
    }
    return new int[] {uid, gid};
  }

  private static JsonArray optionalArray(String image, JsonObject config, String field) {
    Object value = config.getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array)) {
      throw new ImageFailure("image " + image + " has a " + field + " that is not a list");
    }
    return array;
  }
}
