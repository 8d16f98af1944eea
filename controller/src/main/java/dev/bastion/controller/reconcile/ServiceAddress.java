package dev.bastion.controller.reconcile;

/**
 * A Sandbox's headless Service: its stable DNS identity on a cluster.
 *
 * @param name the Service's name (the Sandbox's)
 * @param fqdn its DNS name, e.g. {@code my-sandbox.team-a.svc.cluster.local}
 */
public record ServiceAddress(String name, String fqdn) {}
