package dev.bastion.controller.image;

/** An image is being pulled: a sandbox of it starts once the pull is done. */
public final class ImagePending extends RuntimeException {

  public ImagePending(String progress) {
    super(progress, null, false, false);
  }
}
