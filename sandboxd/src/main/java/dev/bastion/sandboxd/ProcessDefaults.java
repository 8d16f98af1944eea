package dev.bastion.sandboxd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every process starts with unless its request says otherwise. The image a sandbox runs
 * supplies the environment and the working directory (its {@code Env} and {@code WorkingDir}).
 *
 * @param env the image's environment, in its order; a request's variables override it
 * @param cwd the working directory of a request that names none; empty means the workspace
 */
record ProcessDefaults(Map<String, String> env, Optional<Path> cwd) {

  /** No image defaults. */
  static final ProcessDefaults NONE = new ProcessDefaults(Map.of(), Optional.empty());

  /** The most an environment file may hold: an image's Env is a few hundred bytes. */
  static final int MAX_ENV_FILE_BYTES = LaunchSpec.MAX_TOTAL_BYTES;

  ProcessDefaults {
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  ProcessDefaults withCwd(Path dir) {
    return new ProcessDefaults(env, Optional.of(dir));
  }

  /**
   * Reads {@code NAME=value} entries separated by NUL bytes (values may hold newlines), as the host
   * writes an image's Env; a later entry for a name wins, as in an image.
   *
   * @throws IllegalArgumentException with a one-line message when the file is unreadable or
   *     malformed
   */
  ProcessDefaults withEnvFile(String flag, Path file) {
    byte[] content;
    try {
      if (Files.size(file) > MAX_ENV_FILE_BYTES) {
        throw new IllegalArgumentException(
            flag + " " + file + " is larger than " + MAX_ENV_FILE_BYTES + " bytes");
      }
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + flag + " " + file + ": " + e.getMessage());
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (String entry : new String(content, StandardCharsets.UTF_8).split("\0")) {
      if (entry.isEmpty()) {
        continue;
      }
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            flag + " " + file + " has an entry that is not NAME=value");
      }
      variables.put(entry.substring(0, equals), entry.substring(equals + 1));
    }
    return new ProcessDefaults(variables, cwd);
  }
}
