package dev.bastion.gateway.images;

import dev.bastion.controller.image.ImageArchive;
import dev.bastion.controller.image.ImageFailure;
import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.LocalImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion image}: the images embedded mode keeps, pulled or loaded on this machine ahead of
 * the sandboxes that run them. Templates name them as they would on Kubernetes.
 */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = "Pulls, loads and lists the images embedded-mode sandboxes run.",
    subcommands = {ImageCommand.Pull.class, ImageCommand.Load.class, ImageCommand.ListImages.class})
public final class ImageCommand implements Runnable {

  @Override
  public void run() {
    System.err.println("bastion: image needs a command: pull, load or list (see --help)");
  }

  /** Runs {@code work}, reporting an image failure as one line and exit 1. */
  private static int report(Callable<LocalImage> work) {
    try {
      LocalImage image = work.call();
      System.out.println(image.pinned());
      return 0;
    } catch (ImageFailure | IllegalArgumentException e) {
      System.err.println("bastion: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("bastion: " + e);
      return 1;
    }
  }

  private static ImageReference reference(String text) {
    try {
      return ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(text + " " + e.getMessage());
    }
  }

  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      description = "Pulls an image into the store (prints its digest); progress goes to stderr.")
  static final class Pull implements Callable<Integer> {
    @Mixin ImageStoreOptions store;

    @Parameters(paramLabel = "IMAGE", description = "e.g. registry.example/team/tool:1.2")
    String image;

    @Override
    public Integer call() {
      return report(
          () ->
              store.open().pull(reference(image), line -> System.err.println("bastion: " + line)));
    }
  }

  @Command(
      name = "load",
      mixinStandardHelpOptions = true,
      description =
          "Imports an archive written by docker save, or an OCI archive, for machines with no"
              + " registry (prints its digest).")
  static final class Load implements Callable<Integer> {
    @Mixin ImageStoreOptions store;

    @Parameters(paramLabel = "FILE", description = "the archive")
    Path file;

    @Option(
        names = "--name",
        paramLabel = "IMAGE",
        description = "The name templates use for it (default: the name the archive carries).")
    String name;

    @Override
    public Integer call() {
      return report(
          () -> {
            if (!Files.isRegularFile(file)) {
              throw new IllegalArgumentException(file + " is not a file");
            }
            ImageArchive archive = ImageArchive.open(file);
            String named =
                name != null
                    ? name
                    : archive
                        .name()
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    file.getFileName()
                                        + " carries no image name: give one with --name"));
            return store
                .open()
                .load(archive, reference(named), line -> System.err.println("bastion: " + line));
          });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the images kept.")
  static final class ListImages implements Callable<Integer> {
    @Mixin ImageStoreOptions store;

    @Override
    public Integer call() {
      Map<String, String> images = store.open().list();
      System.out.printf("%-60s %s%n", "IMAGE", "DIGEST");
      images.forEach((image, digest) -> System.out.printf("%-60s %s%n", image, digest));
      return 0;
    }
  }
}
