package dev.bastion.controller.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference as Kubernetes and the distribution registry read it: {@code
 * [host[:port]/]path[:tag][@sha256:digest]}, normalized the way Docker does ({@code python:3} is
 * {@code docker.io/library/python:3}). Anything else is refused before it reaches a command line: a
 * reference starting with {@code -} would be an option to skopeo, one with a transport prefix
 * ({@code oci:}, {@code dir:}) would read the host's files.
 *
 * @param host the registry, e.g. {@code docker.io} or {@code 127.0.0.1:5000}
 * @param path the repository within it, e.g. {@code library/python}
 * @param tag the tag; empty when the reference names a digest only
 * @param digest {@code sha256:...}; empty when the reference names a tag
 */
public record ImageReference(String host, String path, String tag, String digest) {

  /** Docker's limit on a repository name; a tag adds at most 128, a digest 71. */
  static final int MAX_NAME_LENGTH = 255;

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String HOST_PART = "(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])";
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:(?<host>"
              + HOST_PART
              + "(?:\\."
              + HOST_PART
              + ")*(?::[0-9]{1,5})?)/)?(?<path>"
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?");

  private static final String DEFAULT_HOST = "docker.io";

  /**
   * Parses and normalizes {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong, fit for a condition or an API error
   */
  public static ImageReference parse(String text) {
    if (text.length() > MAX_NAME_LENGTH + 128 + 72) {
      throw new IllegalArgumentException("is longer than an image reference can be");
    }
    Matcher m = REFERENCE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "is not an image reference: expected [registry/]repository[:tag][@sha256:digest], lower"
              + " case");
    }
    String host = m.group("host");
    String path = m.group("path");
    // As in Docker: a first part without a dot or a port, other than localhost, is a path.
    if (host != null && !host.contains(".") && !host.contains(":") && !host.equals("localhost")) {
      path = host.toLowerCase(java.util.Locale.ROOT) + "/" + path;
      host = null;
      if (!path.matches(COMPONENT + "(?:/" + COMPONENT + ")*")) {
        throw new IllegalArgumentException(
            "is not an image reference: repository names are lower case");
      }
    }
    if (host == null) {
      host = DEFAULT_HOST;
      if (!path.contains("/")) {
        path = "library/" + path;
      }
    }
    if (host.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "has a repository name longer than " + MAX_NAME_LENGTH + " characters");
    }
    String tag = m.group("tag");
    String digest = m.group("digest");
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(host, path, tag == null ? "" : tag, digest == null ? "" : digest);
  }

  /** {@code host/path}, the repository. */
  public String repository() {
    return host + "/" + path;
  }

  /** The normalized reference, e.g. {@code docker.io/library/python:3}. */
  @Override
  public String toString() {
    return repository() + (tag.isEmpty() ? "" : ":" + tag) + (digest.isEmpty() ? "" : "@" + digest);
  }

  /** The digest the reference pins, if it pins one. */
  public Optional<String> pinnedDigest() {
    return digest.isEmpty() ? Optional.empty() : Optional.of(digest);
  }

  /**
   * The policy Kubernetes defaults to: {@code Always} for {@code :latest} (or no tag), {@code
   * IfNotPresent} otherwise.
   */
  public PullPolicy defaultPullPolicy() {
    return digest.isEmpty() && tag.equals("latest") ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
  }

  /** skopeo's name for the image in its registry. */
  String dockerTransport() {
    return "docker://" + this;
  }

  /**
   * The image's name in the local OCI layout: a hash, since a layout's names allow fewer characters
   * than references hold, and two references that differ must never share one.
   */
  String layoutName() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
