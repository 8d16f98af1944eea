package dev.bastion.gateway.server;

import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.auth.MetricsToken;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion serve}: sandboxes on this machine (embedded mode), or Pods on Kubernetes. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Starts the gateway and runs sandboxes on this machine (embedded mode), or with"
            + " --kubernetes as Pods in a namespace of a cluster.")
public final class ServeCommand implements Callable<Integer> {

  private static final Path HOME = Path.of(System.getProperty("user.home"));

  /** Where the sandbox root filesystem is cached unless {@code --cache-dir} says otherwise. */
  public static final Path DEFAULT_CACHE_DIR = HOME.resolve(".cache/bastion");

  /** The Debian mirror debootstrap uses unless {@code --mirror} says otherwise. */
  public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

  @Option(
      names = "--port",
      description = "Port for gRPC, HTTP and metrics (default ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--host",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host = "127.0.0.1";

  @Option(names = "--state-dir", description = "Durable state (default ${DEFAULT-VALUE}).")
  Path stateDir = HOME.resolve(".local/state/bastion");

  @Option(
      names = "--tokens-file",
      description =
          "Bearer tokens, one 'TOKEN TENANT [admin]' per line (default: STATE-DIR/tokens, made"
              + " with one admin token on first start).")
  Path tokensFile;

  @Option(
      names = "--runtime",
      description =
          "gvisor (default) or crun. crun shares the host kernel: weaker isolation, for trusted"
              + " code or machines without gVisor.")
  String runtime = "gvisor";

  @Option(
      names = "--cache-dir",
      description = "Where the sandbox root filesystem is built (default ${DEFAULT-VALUE}).")
  Path cacheDir = DEFAULT_CACHE_DIR;

  @Option(
      names = "--mirror",
      description = "Debian mirror for the root filesystem (default ${DEFAULT-VALUE}).")
  String mirror = DEFAULT_MIRROR;

  @Option(
      names = "--warm",
      description = "Ready sandboxes the warm pool 'python' keeps (default ${DEFAULT-VALUE}).")
  int warm = 2;

  @Option(
      names = "--audit-log",
      description =
          "Where every policy decision is appended as a JSON line (default: STATE-DIR/audit.jsonl;"
              + " rotated at 64 MiB, 5 kept).")
  Path auditLog;

  @Option(
      names = "--metrics-token-file",
      description =
          "A file holding the bearer token /metrics then requires (Authorization: Bearer TOKEN)."
              + " Without it /metrics answers anyone who reaches the port: scrape it over loopback"
              + " or a private interface.")
  Path metricsTokenFile;

  @Option(
      names = "--max-sandbox-memory",
      description = "The memory limit one sandbox may ask for at most (default ${DEFAULT-VALUE}).")
  String maxSandboxMemory = "4Gi";

  @Option(
      names = "--max-sandbox-cpu",
      description = "The CPU limit one sandbox may ask for at most (default ${DEFAULT-VALUE}).")
  String maxSandboxCpu = "2";

  @Option(
      names = "--max-sandbox-tmp",
      description =
          "The /tmp (ephemeral-storage, held in memory) one sandbox may ask for at most (default"
              + " ${DEFAULT-VALUE}).")
  String maxSandboxTmp = "1Gi";

  @Option(
      names = "--max-sandbox-workspace",
      description = "The /workspace one sandbox may ask for at most (default ${DEFAULT-VALUE}).")
  String maxSandboxWorkspace = "20Gi";

  @Option(
      names = "--workspace-disk",
      description =
          "The workspaces of all sandboxes together at most (default: nine tenths of the state"
              + " directory's file system).")
  String workspaceDisk;

  @Mixin RegistryOptions registries;

  @Option(names = "--sandboxd-jar", description = "The sandboxd jar mounted into sandboxes.")
  Path sandboxdJar = Path.of(System.getProperty("bastion.sandboxd.jar", "sandboxd.jar"));

  @Option(
      names = "--kubernetes",
      description =
          "Run sandboxes as Pods on the cluster kubectl would use (in-cluster service account or"
              + " kubeconfig) instead of on this machine.")
  boolean kubernetes;

  @Option(
      names = "--namespace",
      description =
          "With --kubernetes: the namespace whose Agent Sandbox objects are served (default: the"
              + " pod's or the kubeconfig context's namespace).")
  String namespace;

  @Override
  public Integer call() throws InterruptedException {
    if (namespace != null && !kubernetes) {
      System.err.println("bastion: --namespace applies only with --kubernetes");
      return 2;
    }
    RuntimeKind kind;
    try {
      kind = RuntimeKind.parse(runtime);
    } catch (IllegalArgumentException e) {
      System.err.println("bastion: " + e.getMessage());
      return 2;
    }
    if (warm < 0 || warm > ManifestValidator.MAX_REPLICAS) {
      System.err.println("bastion: --warm must be between 0 and " + ManifestValidator.MAX_REPLICAS);
      return 2;
    }
    SandboxCeilings ceilings;
    MetricsToken metricsToken;
    PullRules pullRules;
    try {
      ceilings = ceilings();
      pullRules = registries.rules();
      metricsToken = metricsTokenFile == null ? null : MetricsToken.read(metricsTokenFile);
    } catch (IllegalArgumentException e) {
      System.err.println("bastion: " + e.getMessage());
      return 2;
    }
    if (!kubernetes && !kind.separateKernel()) {
      System.err.println(
          "bastion: WARNING: --runtime "
              + kind.id()
              + " runs sandboxes on the host kernel (namespaces and seccomp only): a kernel"
              + " exploit in sandboxed code escapes it. Use gvisor for untrusted code.");
    }
    ServerConfig config =
        new ServerConfig(
            host,
            port,
            stateDir,
            tokensFile,
            kind,
            cacheDir,
            mirror,
            sandboxdJar,
            warm,
            auditLog != null ? auditLog : stateDir.resolve("audit.jsonl"),
            kubernetes ? namespaceToServe() : null,
            ceilings,
            metricsToken,
            pullRules);
    BastionServer server;
    try {
      server = BastionServer.start(config, line -> System.out.println("bastion: " + line));
    } catch (StartupException e) {
      System.err.println("bastion: " + e.getMessage());
      return 1;
    }
    if (server.generatedToken() != null) {
      System.out.println(
          "bastion: created "
              + stateDir.resolve("tokens")
              + " with an admin token for tenant 'default':");
      System.out.println("  export BASTION_TOKEN=" + server.generatedToken());
    }
    System.out.println(
        "bastion: listening on "
            + host
            + ":"
            + port
            + " (gRPC h2c, MCP at /mcp, /healthz, /readyz, /metrics"
            + (metricsToken == null ? "" : " behind its token")
            + "), "
            + (kubernetes
                ? "sandboxes in Kubernetes namespace " + config.kubernetesNamespace()
                : "runtime " + kind.id())
            + ", state in "
            + stateDir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  private SandboxCeilings ceilings() {
    return new SandboxCeilings(
        Quantities.positive("--max-sandbox-memory", maxSandboxMemory, 1),
        Quantities.positive("--max-sandbox-cpu", maxSandboxCpu, 1000),
        Quantities.positive("--max-sandbox-tmp", maxSandboxTmp, 1),
        Quantities.positive("--max-sandbox-workspace", maxSandboxWorkspace, 1),
        workspaceDisk == null ? 0 : Quantities.positive("--workspace-disk", workspaceDisk, 1));
  }

  private String namespaceToServe() {
    if (namespace != null) {
      return namespace;
    }
    String configured = Config.autoConfigure(null).getNamespace();
    return configured != null ? configured : "default";
  }
}
