package dev.bastion.gateway.images;

import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.OciBundle;
import dev.bastion.controller.runtime.RootFilesystem;
import dev.bastion.controller.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds the container images from a checkout's Dockerfile and jars with docker: {@value
 * #SANDBOX_IMAGE} (sandboxd on TCP behind a token) and {@value #GATEWAY_IMAGE}, both on {@value
 * #BASE_IMAGE}, which is embedded mode's sandbox root filesystem imported as an image. No registry
 * is needed: nothing is pulled, nothing runs Maven or apt inside a build.
 *
 * <p>Building again is cheap when nothing changed: the base is imported only when missing or made
 * from an older root filesystem recipe, and docker's layer cache finds the rest. Blocking.
 */
public final class ContainerImages {

  /** Tag of images built from a checkout (a release would tag its version). */
  public static final String TAG = "dev";

  /** The base both images start from, named after the Debian suite it holds. */
  public static final String BASE_IMAGE = "bastion/base:trixie";

  /** The sandbox image: the name embedded mode gives the same contents, so templates fit both. */
  public static final String SANDBOX_IMAGE = "bastion/python:" + TAG;

  public static final String GATEWAY_IMAGE = "bastion/gateway:" + TAG;

  /** The base image's label naming the root filesystem recipe it was imported from. */
  static final String RECIPE_LABEL = "dev.bastion.rootfs-recipe";

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

  private final Path context;
  private final RootFilesystem rootfs;
  private final Path log;

  /**
   * @param context the checkout: its Dockerfile and the jars its build made
   * @param rootfs where the sandbox root filesystem is (or will be) cached
   * @param log where the output of docker and the import is appended
   */
  public ContainerImages(Path context, RootFilesystem rootfs, Path log) {
    this.context = context.toAbsolutePath().normalize();
    this.rootfs = rootfs;
    this.log = log.toAbsolutePath();
  }

  /** Why docker cannot be used from here (no CLI, no daemon), or empty when its daemon answers. */
  public static Optional<String> dockerUnavailable() {
    HostCommand.Result info =
        HostCommand.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), QUERY_TIMEOUT);
    return info.ok()
        ? Optional.empty()
        : Optional.of("docker does not answer (" + info.lastLine() + ")");
  }

  /**
   * Makes the base image when needed, then builds both images.
   *
   * @throws RuntimeFailure with one line saying which step failed and where its output is
   */
  public void build(Consumer<String> progress) {
    for (String jar : List.of("sandboxd/target/sandboxd.jar", "gateway/target/bastion.jar")) {
      if (!Files.isRegularFile(context.resolve(jar))) {
        throw new RuntimeFailure(
            "no " + context.resolve(jar) + ": build the jars first (mvn package)");
      }
    }
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new RuntimeFailure("cannot create " + log.getParent() + ": " + e.getMessage());
    }
    ensureBase(progress);
    buildTarget("sandbox", SANDBOX_IMAGE, progress);
    buildTarget("gateway", GATEWAY_IMAGE, progress);
  }

  private void ensureBase(Consumer<String> progress) {
    HostCommand.Result label =
        HostCommand.run(
            List.of(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"" + RECIPE_LABEL + "\"}}",
                BASE_IMAGE),
            QUERY_TIMEOUT);
    if (label.ok() && label.output().strip().equals(RootFilesystem.RECIPE)) {
      progress.accept(BASE_IMAGE + " is current (root filesystem " + RootFilesystem.RECIPE + ")");
      return;
    }
    Path root = rootfs.ensure(progress);
    progress.accept("importing " + root + " as " + BASE_IMAGE);
    // Numeric owners: the image must keep the root filesystem's uids (sandbox is 1000), not
    // whatever those names mean on this host.
    run(
        "importing the base image",
        List.of(
            "bash",
            "-o",
            "pipefail",
            "-c",
            "tar --numeric-owner -C \"$1\" -c . | docker import --change \"$2\" - \"$3\"",
            "import",
            root.toString(),
            "LABEL " + RECIPE_LABEL + "=" + RootFilesystem.RECIPE,
            BASE_IMAGE));
  }

  private void buildTarget(String target, String image, Consumer<String> progress) {
    progress.accept("building " + image + " (Dockerfile target " + target + ")");
    List<String> argv = new ArrayList<>();
    // The classic builder on every machine alike: it builds from the local base image as it is,
    // where BuildKit (if a buildx plugin is installed) may try a registry.
    argv.addAll(List.of("env", "DOCKER_BUILDKIT=0", "docker", "build"));
    // RUN steps need no network: everything they use is in the base already.
    argv.addAll(List.of("--network=none", "--target", target, "--tag", image));
    // Every build gets the flags: the classic builder also builds the stages before its target.
    argv.addAll(
        List.of(
            "--build-arg", "SANDBOXD_JVM_FLAGS=" + String.join(" ", OciBundle.SANDBOXD_JVM_FLAGS)));
    argv.addAll(List.of("--file", context.resolve("Dockerfile").toString(), context.toString()));
    run("building " + image, argv);
  }

  private void run(String step, List<String> argv) {
    HostCommand.Result result = HostCommand.runLogged(argv, BUILD_TIMEOUT, log);
    if (!result.ok()) {
      throw new RuntimeFailure(
          step + " failed (" + result.lastLine() + "); the whole output is in " + log);
    }
  }
}
