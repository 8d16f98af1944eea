package dev.bastion.controller.image;

import java.util.List;
import java.util.Locale;

/**
 * Turns what skopeo printed when a pull failed into one sentence that names the image and the cause
 * a user can act on. skopeo's own words can hold the store's paths on the host, so an unrecognized
 * failure is reported by kind, not quoted.
 */
final class PullErrors {

  private PullErrors() {}

  static ImageFailure describe(ImageReference image, ImageTool.Result result) {
    String output = result.output().toLowerCase(Locale.ROOT);
    String name = "image " + image;
    if (containsAny(output, "unauthorized", "authentication required", "denied", "401")) {
      return new ImageFailure(
          "the registry "
              + image.host()
              + " refused to give "
              + name
              + " (unauthorized): put credentials for it in an auth file skopeo reads"
              + " (REGISTRY_AUTH_FILE, ~/.docker/config.json) or start the server with"
              + " --registry-auth-file FILE");
    }
    if (containsAny(output, "manifest unknown", "name unknown", "not found", "no such image")) {
      return new ImageFailure("the registry has no " + name);
    }
    if (output.contains("server gave http response to https client")) {
      return new ImageFailure(
          "the registry "
              + image.host()
              + " of "
              + name
              + " speaks plain HTTP: start the server"
              + " with --insecure-registry "
              + image.host()
              + " to allow it");
    }
    if (diskFull(output)) {
      return new ImageFailure("the image store's disk is full while pulling " + name);
    }
    if (containsAny(
        output,
        "connection refused",
        "no such host",
        "i/o timeout",
        "network is unreachable",
        "dial tcp",
        "timeout",
        "tls")) {
      return new ImageFailure("cannot reach the registry " + image.host() + " to pull " + name);
    }
    return new ImageFailure("could not pull " + name + " (skopeo exit " + result.exitCode() + ")");
  }

  /** Whether {@code text} (a tool's output, an exception's message) says ENOSPC's words. */
  static boolean diskFull(String text) {
    return text.toLowerCase(Locale.ROOT).contains("no space left");
  }

  private static boolean containsAny(String text, String... needles) {
    return List.of(needles).stream().anyMatch(text::contains);
  }
}
