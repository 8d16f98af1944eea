package dev.bastion.gateway.server;

import dev.bastion.controller.image.PullRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/** How images are fetched: the options {@code serve} and {@code image pull} share. */
public final class RegistryOptions {

  @Option(
      names = "--allow-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "A registry images may be pulled from; repeatable. Once one is given, only those (and"
              + " --insecure-registry ones) are used; without any, every registry named by a DNS"
              + " name is, and none named by an IP address or localhost.")
  List<String> allowedRegistries = new ArrayList<>();

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST:PORT",
      description =
          "A registry that images may be pulled from over plain HTTP, e.g. one on loopback;"
              + " repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--registry-auth-file",
      paramLabel = "FILE",
      description =
          "Registry credentials in Docker's config.json format, instead of those skopeo finds by"
              + " itself (REGISTRY_AUTH_FILE, ~/.docker/config.json).")
  Path registryAuthFile;

  @Option(
      names = "--max-image-size",
      paramLabel = "SIZE",
      description =
          "The most disk one image may take, compressed and again unpacked (default"
              + " ${DEFAULT-VALUE}); a pull past it is stopped.")
  String maxImageSize = "16Gi";

  /**
   * @throws IllegalArgumentException when a value is malformed
   */
  public PullRules rules() {
    return new PullRules(
        Set.copyOf(allowedRegistries),
        Set.copyOf(insecureRegistries),
        Optional.ofNullable(registryAuthFile),
        Quantities.positive("--max-image-size", maxImageSize, 1));
  }
}
