package dev.bastion.controller.image;

import java.util.function.Consumer;

/**
 * Reads skopeo's lines as it copies ("Copying blob sha256:...", "Copying config ...", "Writing
 * manifest ...") and reports them as steps a user follows: which layer, how many so far.
 */
final class PullProgress implements Consumer<String> {

  private final ImageReference image;
  private final Consumer<String> progress;
  private int layers;

  PullProgress(ImageReference image, Consumer<String> progress) {
    this.image = image;
    this.progress = progress;
  }

  @Override
  public void accept(String line) {
    String text = line.strip();
    if (text.startsWith("Copying blob ")) {
      layers++;
      String blob = text.substring("Copying blob ".length()).split(" ", 2)[0];
      progress.accept(
          "pulling "
              + image
              + ": layer "
              + layers
              + " ("
              + shortDigest(blob)
              + ")"
              + (text.endsWith("skipped: already exists") ? " already kept" : ""));
    } else if (text.startsWith("Copying config")) {
      progress.accept(
          "pulling " + image + ": " + layers + " layers copied, copying its configuration");
    } else if (text.startsWith("Writing manifest")) {
      progress.accept("pulling " + image + ": writing its manifest");
    }
  }

  private static String shortDigest(String blob) {
    return blob.length() > 19 ? blob.substring(0, 19) : blob;
  }
}
