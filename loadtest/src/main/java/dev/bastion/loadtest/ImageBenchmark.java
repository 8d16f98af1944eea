package dev.bastion.loadtest;

import dev.bastion.controller.image.ImageReference;
import dev.bastion.controller.image.ImageStore;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.loadtest.bench.LatencyRecorder;
import dev.bastion.loadtest.images.Commands;
import dev.bastion.loadtest.images.ImageBuilder;
import dev.bastion.loadtest.images.ImageTemplates;
import dev.bastion.loadtest.images.LocalRegistry;
import dev.bastion.loadtest.images.OwnImageCache;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What running any OCI image costs (issue 19), each against its floor in the same run:
 *
 * <ul>
 *   <li>the first pull and unpack of an image of {@code --megabytes} (100) of incompressible data
 *       from a registry on loopback, by Bastion's image store against {@code skopeo copy} and
 *       {@code umoci unpack} run by hand, each into a fresh store, alternating;
 *   <li>a cold create from that image, already pulled, against one from the built-in image,
 *       alternating, and their ratio;
 *   <li>the disk that {@code --fleet} (20) sandboxes of the image take: one shared root, so about
 *       one copy, against a copy per sandbox.
 * </ul>
 *
 * <p>{@code java -cp gateway/target/bastion.jar dev.bastion.loadtest.ImageBenchmark [--smoke]
 * [--megabytes N] [--pulls N] [--creates N] [--fleet N] [--repo DIR] [--out FILE]}
 */
public final class ImageBenchmark {

  private static final String IMAGE = "bench/data:v1";

  private ImageBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** Runs the benchmark; returns 0, 1 on an error, 2 on a bad argument. */
  public static int run(String[] args) throws Exception {
    int megabytes = 100;
    int pulls = 3;
    int creates = 10;
    int fleet = 20;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          megabytes = 8;
          pulls = 1;
          creates = 2;
          fleet = 3;
        }
        case "--megabytes" -> megabytes = Integer.parseInt(args[++i]);
        case "--pulls" -> pulls = Integer.parseInt(args[++i]);
        case "--creates" -> creates = Integer.parseInt(args[++i]);
        case "--fleet" -> fleet = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("ImageBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("image_megabytes", megabytes)
            .put("pulls", pulls)
            .put("creates_per_image", creates)
            .put("fleet", fleet));
    Path work = Files.createTempDirectory("bastion-images-");
    try (LocalRegistry registry = LocalRegistry.open(work.resolve("registry"))) {
      String digest =
          ImageBuilder.builder(Files.createDirectories(work.resolve("build")))
              .extraBytes((long) megabytes << 20)
              .user("1234")
              .pushTo(registry, IMAGE);
      String image = registry.address() + "/" + IMAGE;
      report.put("image", new JsonObject().put("reference", image).put("digest", digest));
      report.put("first_pull", firstPulls(registry, image, pulls, work));
      Path cache =
          OwnImageCache.create(
              work.resolve("cache"), Path.of(System.getProperty("user.home"), ".cache", "bastion"));
      final int createsEach = creates;
      final int fleetSize = fleet;
      return OwnServerRun.run(
          "images",
          repo,
          0,
          List.of("--insecure-registry", registry.address(), "--cache-dir", cache.toString()),
          report,
          out,
          (gateway, client, stateDir) -> {
            ResourceHttp resources =
                new ResourceHttp(gateway.port(), GatewayProcess.token(stateDir));
            resources.apply(ImageTemplates.of("custom", image, "IfNotPresent"));
            resources.apply(ImageTemplates.of("builtin", "bastion/python", ""));
            // Pulled once, untimed: what is compared is a create from an image already kept.
            client.create("custom").close();
            report.put("cold_create", coldCreates(client, createsEach));
            report.put("fleet_disk", fleetDisk(client, fleetSize, cache, stateDir));
          });
    } finally {
      FileTrees.delete(work);
    }
  }

  /** Bastion's pull and unpack against skopeo and umoci by hand, alternating, fresh each time. */
  private static JsonObject firstPulls(LocalRegistry registry, String image, int pulls, Path work)
      throws IOException {
    LatencyRecorder bastion = new LatencyRecorder();
    LatencyRecorder tools = new LatencyRecorder();
    PullRules rules =
        new PullRules(
            Set.of(),
            Set.of(registry.address()),
            Optional.empty(),
            PullRules.DEFAULT_MAX_IMAGE_BYTES);
    for (int i = 0; i < pulls; i++) {
      Path store = work.resolve("store-" + i);
      long start = System.nanoTime();
      new ImageStore(store, rules).pull(ImageReference.parse(image), line -> {});
      bastion.record(System.nanoTime() - start);
      FileTrees.delete(store);

      Path layout = work.resolve("layout-" + i);
      start = System.nanoTime();
      Commands.require(
          List.of(
              "skopeo",
              "copy",
              "--src-tls-verify=false",
              "docker://" + image,
              "oci:" + layout + ":x"));
      Commands.require(
          List.of(
              "umoci", "unpack", "--image", layout + ":x", work.resolve("bundle-" + i).toString()));
      tools.record(System.nanoTime() - start);
      FileTrees.delete(layout);
      FileTrees.delete(work.resolve("bundle-" + i));
    }
    return new JsonObject()
        .put("bastion", bastion.summary())
        .put("skopeo_and_umoci", tools.summary())
        .put("p50_ratio", bastion.percentileMs(50) / tools.percentileMs(50));
  }

  /** Cold creates from the pulled image and from the built-in one, alternating. */
  private static JsonObject coldCreates(BastionClient client, int creates) {
    LatencyRecorder custom = new LatencyRecorder();
    LatencyRecorder builtIn = new LatencyRecorder();
    for (int i = 0; i < creates; i++) {
      for (String template : List.of("custom", "builtin")) {
        long start = System.nanoTime();
        try (SandboxLease lease = client.create(template)) {
          (template.equals("custom") ? custom : builtIn).record(System.nanoTime() - start);
        }
      }
    }
    return new JsonObject()
        .put("custom_image", custom.summary())
        .put("built_in_image", builtIn.summary())
        .put("p50_ratio", custom.percentileMs(50) / builtIn.percentileMs(50));
  }

  /** The disk {@code fleet} sandboxes of the image take, all running at once. */
  private static JsonObject fleetDisk(BastionClient client, int fleet, Path cache, Path stateDir) {
    List<SandboxLease> leases = new ArrayList<>();
    try {
      long storeBefore = kib(cache.resolve("images"));
      long sandboxesBefore = kib(stateDir.resolve("sandboxes"));
      for (int i = 0; i < fleet; i++) {
        leases.add(client.create("custom"));
      }
      long root = kib(cache.resolve("images/roots"));
      long store = kib(cache.resolve("images"));
      long sandboxes = kib(stateDir.resolve("sandboxes"));
      return new JsonObject()
          .put("sandboxes", fleet)
          .put("unpacked_root_kib", root)
          .put("store_kib_before", storeBefore)
          .put("store_kib_after", store)
          .put("sandbox_dirs_kib_before", sandboxesBefore)
          .put("sandbox_dirs_kib_after", sandboxes)
          .put("a_copy_per_sandbox_kib", root * fleet)
          .put("used_over_one_copy", (double) (store + sandboxes - sandboxesBefore) / root);
    } finally {
      leases.forEach(SandboxLease::close);
    }
  }

  /** What {@code du} says a tree takes on disk, in KiB (sparse workspaces count what they hold). */
  private static long kib(Path dir) {
    String out = Commands.require(List.of("du", "-sk", "-x", dir.toString()));
    return Long.parseLong(out.strip().split("\\s+")[0]);
  }
}
