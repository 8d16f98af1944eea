package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.model.ModelSerialization;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API server for tests and benchmarks: fabric8's mock server in CRUD mode (objects,
 * label selectors, watches, resourceVersion conflicts, status subresources of the CRDs loaded into
 * it) with the CRDs this build generated (the ones in deploy/crds, which DeployManifestsTest keeps
 * equal). It has no garbage collector, scheduler or kubelet ({@link FakeKubelet} plays the last).
 * It counts the writes it receives, per resource.
 */
public final class MockCluster implements AutoCloseable {

  private final CountingDispatcher dispatcher = new CountingDispatcher();
  private final KubernetesMockServer server;

  /** Kept so the level holds: the mock server logs every request it answers at INFO. */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  public MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    try (KubernetesClient client = client()) {
      crds().forEach(crd -> client.resource(crd).create());
    }
  }

  /** Where clients reach this server, e.g. for {@code kubernetes.master}. */
  public String url() {
    return server.url("/");
  }

  /** A new client of this server; each controller under test gets its own, as replicas do. */
  public KubernetesClient client() {
    return server.createClient();
  }

  /** Writes (POST, PUT, PATCH, DELETE) received so far whose path contains {@code fragment}. */
  public int writes(String fragment) {
    return dispatcher.writes.entrySet().stream()
        .filter(e -> e.getKey().contains(fragment))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  /** Every write received so far. */
  public int writes() {
    return writes("");
  }

  /** Writes received so far, by "METHOD resource" (e.g. "PUT sandboxclaims/status"). */
  public Map<String, Integer> writesByResource() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    dispatcher.writes.forEach((key, count) -> counts.put(key, count.get()));
    return counts;
  }

  /**
   * Stops the server. Its own close may time out when a watch closed while it was sending (it then
   * blocks its event loop for up to a minute): that is the mock's defect, not a result, so it is
   * reported and not thrown.
   */
  @Override
  public void close() {
    try {
      server.destroy();
    } catch (IllegalStateException stuck) {
      MOCK_SERVER_LOG.warning("the mock API server did not close in time: " + stuck.getMessage());
    }
  }

  /** The CRDs generated from the model classes, which the build puts on the classpath. */
  static List<CustomResourceDefinition> crds() {
    return ManifestKinds.customResources().stream()
        .map(
            kind ->
                "/META-INF/fabric8/"
                    + HasMetadata.getPlural(kind)
                    + "."
                    + HasMetadata.getGroup(kind)
                    + "-v1.yml")
        .map(MockCluster::load)
        .toList();
  }

  private static CustomResourceDefinition load(String resource) {
    try (InputStream in = MockCluster.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no generated CRD " + resource + " on the classpath");
      }
      return ModelSerialization.get().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The CRUD dispatcher, counting writes by "METHOD resource-path" (names and queries cut); a write
   * the server refused is counted under "METHOD resource-path CODE" (409 for a lost race).
   */
  private static final class CountingDispatcher extends KubernetesCrudDispatcher {

    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      MockResponse response = super.dispatch(request);
      String method = request.getMethod();
      if (!"GET".equals(method)) {
        String key = method + " " + resourceOf(request.getPath());
        if (response.code() >= 400) {
          key += " " + response.code();
        }
        writes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      }
      return response;
    }

    /** {@code /api/v1/namespaces/ns/pods/p/status?x} → {@code pods/status}. */
    private static String resourceOf(String path) {
      String[] parts = path.split("\\?")[0].split("/");
      for (int i = 0; i < parts.length - 1; i++) {
        if (parts[i].equals("namespaces") && i + 2 < parts.length) {
          String resource = parts[i + 2];
          return i + 4 < parts.length ? resource + "/" + parts[i + 4] : resource;
        }
      }
      return path;
    }
  }
}
