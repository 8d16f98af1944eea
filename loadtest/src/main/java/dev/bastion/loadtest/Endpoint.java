package dev.bastion.loadtest;

import io.vertx.core.net.SocketAddress;

/**
 * Where a Processes call goes: the gateway (with a bearer token) or a sandbox's sandboxd socket (no
 * token: the socket is only reachable on the host).
 */
record Endpoint(String name, SocketAddress address, String token) {}
