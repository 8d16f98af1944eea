package dev.bastion.controller.image;

/**
 * An image could not be pulled, loaded or run. The message is one sentence fit for a condition and
 * an API error: it names the image and never a path of the host.
 */
public final class ImageFailure extends RuntimeException {

  public ImageFailure(String message) {
    super(message, null, false, false);
  }
}
