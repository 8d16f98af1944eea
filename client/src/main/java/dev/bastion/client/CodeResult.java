package dev.bastion.client;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * One rich result of a cell: the value of its last expression or something it displayed, in every
 * representation the kernel gave (a DataFrame as {@code text/plain} and {@code text/html}, a figure
 * as {@code image/png}).
 *
 * @param data MIME type to content; binary types are base64
 * @param main whether it is the value of the cell's last expression rather than a display
 */
public record CodeResult(Map<String, String> data, boolean main) {

  public CodeResult {
    data = Map.copyOf(data);
  }

  /** The plain-text form, or empty when there is none. */
  public String text() {
    return data.getOrDefault("text/plain", "");
  }

  /** The HTML form (a DataFrame's table), if there is one. */
  public Optional<String> html() {
    return Optional.ofNullable(data.get("text/html"));
  }

  /** The PNG image (a matplotlib figure), decoded, if there is one. */
  public Optional<byte[]> png() {
    return Optional.ofNullable(data.get("image/png")).map(Base64.getMimeDecoder()::decode);
  }
}
