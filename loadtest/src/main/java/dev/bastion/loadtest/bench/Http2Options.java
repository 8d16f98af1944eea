package dev.bastion.loadtest.bench;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;

/** How every client of the load driver and the benchmarks speaks to the gateway and sandboxd. */
public final class Http2Options {

  private Http2Options() {}

  /**
   * HTTP/2 over cleartext with prior knowledge (what the gateway and sandboxd speak), one
   * connection per address with unlimited streams, as the gateway itself uses towards sandboxd:
   * concurrent calls multiplex instead of opening connections.
   */
  public static HttpClientOptions multiplexed() {
    return new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setHttp2MultiplexingLimit(-1);
  }
}
