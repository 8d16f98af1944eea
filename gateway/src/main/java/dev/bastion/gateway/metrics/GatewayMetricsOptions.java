package dev.bastion.gateway.metrics;

import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * What Vert.x reports to /metrics: its own series (HTTP server and client, pools), the JVM's and
 * Netty's, with one change. Vert.x names each HTTP client connection pool by the address it
 * connects to, and the gateway's only HTTP client connects to sandboxd: each sandbox's socket path
 * in embedded mode ({@code .../sandboxes/<tenant>_<id>/run/sandboxd.sock}, which names the tenant),
 * its pod's {@code ip:port} on Kubernetes. Those pools are all reported as one, {@code
 * pool_name="sandboxd"}: a scrape names no tenant and no sandbox, and its series do not grow with
 * every sandbox ever reached.
 */
public final class GatewayMetricsOptions {

  /** A socket path or a {@code host:port}; the worker pools' names are neither. */
  private static final String ADDRESS = "/.*|.*:[0-9]+";

  private static final String SANDBOXD_POOL = "sandboxd";

  private GatewayMetricsOptions() {}

  public static MicrometerMetricsOptions create() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setNettyMetricsEnabled(true)
        .addLabelMatch(
            new Match()
                .setDomain(MetricsDomain.NAMED_POOLS)
                .setLabel("pool_name")
                .setType(MatchType.REGEX)
                .setValue(ADDRESS)
                .setAlias(SANDBOXD_POOL));
  }
}
