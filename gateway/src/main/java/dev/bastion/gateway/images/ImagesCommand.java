package dev.bastion.gateway.images;

import dev.bastion.controller.runtime.RootFilesystem;
import dev.bastion.controller.runtime.RuntimeFailure;
import dev.bastion.gateway.server.ServeCommand;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion images}: builds the container images with docker. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description =
        "Builds the container images "
            + ContainerImages.GATEWAY_IMAGE
            + " and "
            + ContainerImages.SANDBOX_IMAGE
            + " with docker, from a checkout's jars, on a base made from the sandbox root"
            + " filesystem (./bastion images does it all).")
public final class ImagesCommand implements Callable<Integer> {

  @Option(
      names = "--context",
      description = "The checkout: its Dockerfile and built jars (default: the current directory).")
  Path context = Path.of(".");

  @Option(
      names = "--cache-dir",
      description = "Where the sandbox root filesystem is cached (default ${DEFAULT-VALUE}).")
  Path cacheDir = ServeCommand.DEFAULT_CACHE_DIR;

  @Option(
      names = "--mirror",
      description = "Debian mirror for the root filesystem (default ${DEFAULT-VALUE}).")
  String mirror = ServeCommand.DEFAULT_MIRROR;

  @Override
  public Integer call() {
    Optional<String> unavailable = ContainerImages.dockerUnavailable();
    if (unavailable.isPresent()) {
      System.err.println(
          "bastion: " + unavailable.get() + ": start dockerd, or run ./bastion images as root");
      return 1;
    }
    Path log = cacheDir.resolve("images.log");
    try {
      new ContainerImages(context, new RootFilesystem(cacheDir, mirror), log)
          .build(line -> System.out.println("bastion: " + line));
    } catch (RuntimeFailure e) {
      System.err.println("bastion: " + e.getMessage());
      return 1;
    }
    System.out.println(
        "bastion: built "
            + ContainerImages.GATEWAY_IMAGE
            + " and "
            + ContainerImages.SANDBOX_IMAGE
            + " (docker output in "
            + log
            + ")");
    return 0;
  }
}
