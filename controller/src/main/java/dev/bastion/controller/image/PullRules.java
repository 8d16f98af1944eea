package dev.bastion.controller.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which registries the server pulls from, how, and how much, beyond what skopeo reads by itself
 * (registries.conf and the standard auth files). A pull is a request the host makes on a tenant's
 * say-so, so a template must not be able to point it at the host's own or its network's services:
 * unless the operator lists registries, any registry named by a DNS name may be used, and none
 * named by an IP address or {@code localhost}; listed ones (allowed or insecure) are then the only
 * ones.
 *
 * @param allowedHosts registries, as {@code host[:port]}, that pulls may use; empty allows any
 *     registry named by a DNS name
 * @param insecureHosts registries reached over plain HTTP, e.g. one on loopback for tests; allowed
 *     too
 * @param authFile an auth file in Docker's format, used instead of the standard ones
 * @param maxImageBytes the most one image may take on disk, compressed and again unpacked: a
 *     tenant's template names the image, and the disk is everyone's
 */
public record PullRules(
    Set<String> allowedHosts,
    Set<String> insecureHosts,
    Optional<Path> authFile,
    long maxImageBytes) {

  /** What {@code serve} allows one image by default. */
  public static final long DEFAULT_MAX_IMAGE_BYTES = 16L << 30;

  private static final Pattern IP_LITERAL =
      Pattern.compile("(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");

  public PullRules {
    allowedHosts = Set.copyOf(allowedHosts);
    insecureHosts = Set.copyOf(insecureHosts);
  }

  public static PullRules standard() {
    return new PullRules(Set.of(), Set.of(), Optional.empty(), DEFAULT_MAX_IMAGE_BYTES);
  }

  boolean insecure(String host) {
    return insecureHosts.contains(host);
  }

  /**
   * Refuses a registry this server may not pull from.
   *
   * @throws ImageFailure naming the image and the flag that would allow it
   */
  void check(ImageReference image) {
    String host = image.host();
    if (allowedHosts.contains(host) || insecureHosts.contains(host)) {
      return;
    }
    if (!allowedHosts.isEmpty()) {
      throw new ImageFailure(
          "image "
              + image
              + " is from "
              + host
              + ", which this server does not pull from: the"
              + " operator allows registries with serve --allow-registry");
    }
    String name = host.replaceFirst(":[0-9]+$", "");
    if (IP_LITERAL.matcher(host).matches() || name.equals("localhost")) {
      throw new ImageFailure(
          "image "
              + image
              + " names its registry by address ("
              + host
              + "): the server pulls"
              + " from an address only when the operator allows it (serve --allow-registry or"
              + " --insecure-registry)");
    }
  }

  /** skopeo's options for reading {@code image}. */
  List<String> sourceOptions(ImageReference image) {
    List<String> options = new ArrayList<>();
    if (insecure(image.host())) {
      options.add("--src-tls-verify=false");
    }
    authFile.ifPresent(file -> options.add("--src-authfile=" + file));
    return options;
  }
}
