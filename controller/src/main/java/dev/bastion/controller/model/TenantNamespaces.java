package dev.bastion.controller.model;

import java.util.List;

/**
 * Where a tenant's Sandboxes and claims live, and where the shared objects (templates, warm pools,
 * policies, and the pools' members until a claim takes one) do. Names are scoped per namespace, so
 * in embedded mode each tenant has a namespace of its own, named like it: two tenants may both own
 * a sandbox {@code dev}, as two Kubernetes namespaces may. The Kubernetes backend serves one
 * namespace, where tenants are told apart by a label only.
 *
 * @param shared the namespace of the shared objects
 * @param perTenant whether each tenant has its own namespace (else every tenant uses {@code
 *     shared})
 */
public record TenantNamespaces(String shared, boolean perTenant) {

  /** Embedded mode's: shared objects in {@code default}, each tenant's own in its namespace. */
  public static TenantNamespaces embedded() {
    return new TenantNamespaces("default", true);
  }

  /** Everything in {@code namespace}, as on Kubernetes. */
  public static TenantNamespaces single(String namespace) {
    return new TenantNamespaces(namespace, false);
  }

  /** The namespace of {@code tenant}'s Sandboxes and claims. */
  public String of(String tenant) {
    return perTenant ? tenant : shared;
  }

  /**
   * Where {@code tenant}'s sandboxes may be, in the order to look: its own namespace, then the
   * shared one, where a pool member a claim of the tenant took stays.
   */
  public List<String> searchedFor(String tenant) {
    String own = of(tenant);
    return own.equals(shared) ? List.of(shared) : List.of(own, shared);
  }
}
