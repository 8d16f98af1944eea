package dev.bastion.controller.embedded;

import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.PullPolicy;
import java.util.Optional;

/**
 * The image a template's container names, as embedded mode runs it.
 *
 * @param reference the image to pull; empty for the built-in root filesystem
 * @param policy when to pull it
 */
public record ImageChoice(Optional<ImageReference> reference, PullPolicy policy) {

  static ImageChoice builtIn() {
    return new ImageChoice(Optional.empty(), PullPolicy.NEVER);
  }
}
