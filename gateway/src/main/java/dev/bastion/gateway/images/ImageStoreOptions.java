package dev.bastion.gateway.images;

import dev.bastion.controller.image.ImageStore;
import dev.bastion.gateway.server.RegistryOptions;
import dev.bastion.gateway.server.ServeCommand;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The image store an {@code image} command works on: the one {@code bastion serve} uses with the
 * same {@code --cache-dir}, so what is pulled or loaded here is what sandboxes run.
 */
final class ImageStoreOptions {

  @Option(
      names = "--cache-dir",
      description =
          "The server's cache directory; images are kept under images/ (default ${DEFAULT-VALUE}).")
  Path cacheDir = ServeCommand.DEFAULT_CACHE_DIR;

  @Mixin RegistryOptions registries;

  ImageStore open() {
    return new ImageStore(cacheDir.resolve("images"), registries.rules());
  }
}
