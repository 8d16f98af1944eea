package dev.bastion.controller.admin;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ManifestValidator;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.ReservedMetadata;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.TenantNamespaces;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.policy.ToolPolicyCompiler;
import dev.bastion.controller.sandbox.SandboxAdmission;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.Retries;
import dev.bastion.controller.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code bastion apply/get/delete} on the server: manifests in, objects in the store. Templates and
 * warm pools are shared by every tenant and only admins may change them; Sandboxes and claims
 * belong to the tenant that applied them and are invisible to the others. A whole file is checked
 * before anything in it is written. Calls block: run them on a worker.
 */
public final class ResourceAdmin {

  private final ResourceStore store;
  private final TenantNamespaces namespaces;
  private final SandboxAdmission sandboxes;
  private final Consumer<HasMetadata> localCheck;

  /**
   * @param namespaces where each tenant's Sandboxes and claims are, and the shared objects
   * @param sandboxes the quota and lifetime rules a Sandbox or claim applied here passes, the same
   *     that {@code Sandboxes.Create} passes
   * @param localCheck rejects, with an {@link InvalidManifestException}, what cannot run in this
   *     mode (e.g. pod fields that cannot apply on one machine, or beyond the server's ceilings)
   */
  public ResourceAdmin(
      ResourceStore store,
      TenantNamespaces namespaces,
      SandboxAdmission sandboxes,
      Consumer<HasMetadata> localCheck) {
    this.store = store;
    this.namespaces = namespaces;
    this.sandboxes = sandboxes;
    this.localCheck = localCheck;
  }

  /** Asks the policies in force about an object about to be applied. */
  @FunctionalInterface
  public interface PolicyCheck {

    /**
     * Admits {@code object} or refuses it by throwing a {@link SandboxError}.
     *
     * @return the policies' bound on the caller's sandboxes (maxSandboxes), if any
     */
    Optional<PolicyLimits.Bound> admit(HasMetadata object);
  }

  /** What applying one object did. */
  public record Applied(String kind, String name, String action) {}

  /** A caller of the admin API. */
  public record Caller(String tenant, boolean admin) {}

  /**
   * Applies every object in {@code yaml}, or none when one is refused.
   *
   * @param admission asked about each object once it is valid, before any is written; it refuses
   *     one by throwing a {@link SandboxError} (the gateway asks its policies here, since applying
   *     a Sandbox or claim creates a sandbox as Sandboxes.Create does)
   */
  public List<Applied> apply(Caller caller, String yaml, PolicyCheck admission) {
    List<HasMetadata> objects;
    try {
      objects = Manifests.parse(yaml);
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(e.getMessage());
    }
    if (objects.isEmpty()) {
      throw SandboxError.invalid("the file holds no objects");
    }
    List<Optional<PolicyLimits.Bound>> bounds = new ArrayList<>();
    for (HasMetadata object : objects) {
      prepare(caller, object);
      bounds.add(admission.admit(object));
    }
    List<Applied> results = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      results.add(applyRetryingConflicts(caller, asResource(objects.get(i)), bounds.get(i)));
    }
    return results;
  }

  /**
   * Applies with a fresh read after a conflict: the controller writes status all the time, and an
   * apply replaces the spec whatever version it read, as {@code kubectl apply} does.
   */
  private Applied applyRetryingConflicts(
      Caller caller, CustomResource<?, ?> object, Optional<PolicyLimits.Bound> maxSandboxes) {
    try {
      return Retries.on(
          () -> applyOne(caller, ModelSerialization.copy(object), maxSandboxes),
          // Created by someone else meanwhile: apply onto it.
          e -> StoreException.isConflict(e) || e.reason() == StoreException.Reason.ALREADY_EXISTS);
    } catch (StoreException e) {
      throw new SandboxError(SandboxError.Kind.UNAVAILABLE, e.getMessage() + "; apply again");
    }
  }

  /**
   * The objects of {@code kind} the caller may see, or the one named {@code name}: a tenant's
   * Sandboxes and claims are in its namespace (and a pool member its claim took, in the shared
   * one); admins see every tenant's.
   */
  public List<HasMetadata> get(Caller caller, String kind, Optional<String> name) {
    Class<? extends CustomResource<?, ?>> type = ResourceKinds.resolve(kind);
    if (name.isPresent()) {
      return List.of(visible(caller, type, name.get()));
    }
    List<HasMetadata> visible = new ArrayList<>();
    for (CustomResource<?, ?> object : candidates(caller, type)) {
      if (canSee(caller, object)) {
        visible.add(object);
      }
    }
    return visible;
  }

  /** Where objects of {@code type} the caller may see can be. */
  private List<? extends CustomResource<?, ?>> candidates(
      Caller caller, Class<? extends CustomResource<?, ?>> type) {
    if (!isAgentType(type)) {
      return store.list(type, namespaces.shared(), Map.of());
    }
    if (caller.admin()) {
      return store.listAll(type);
    }
    List<CustomResource<?, ?>> found = new ArrayList<>();
    for (String namespace : namespaces.searchedFor(caller.tenant())) {
      found.addAll(store.list(type, namespace, Map.of()));
    }
    return found;
  }

  /**
   * Deletes one object; returns its canonical kind.
   *
   * @param admission asked about the object before it is deleted, as in {@link #apply}
   */
  public String delete(Caller caller, String kind, String name, Consumer<HasMetadata> admission) {
    Class<? extends CustomResource<?, ?>> type = ResourceKinds.resolve(kind);
    HasMetadata object = visible(caller, type, name);
    requireWriteAccess(caller, object);
    admission.accept(object);
    store.delete(type, object.getMetadata().getNamespace(), name, null);
    return object.getKind();
  }

  /** Whether {@code kind} (as users type it) names Sandboxes or claims: agents' own objects. */
  public static boolean isAgentKind(String kind) {
    return isAgentType(ResourceKinds.resolve(kind));
  }

  private static boolean isAgentType(Class<?> type) {
    return type == Sandbox.class || type == SandboxClaim.class;
  }

  private void prepare(Caller caller, HasMetadata object) {
    requireWriteAccess(caller, object);
    String owner = caller.tenant();
    String namespace = object.getMetadata().getNamespace();
    if (isAgentType(object.getClass())) {
      String own = namespaces.of(caller.tenant());
      if (namespaces.shared().equals(namespace)) {
        // Manifests written for Kubernetes often say namespace: default; here that is the caller's.
        namespace = null;
      }
      if (namespace != null && !namespace.equals(own)) {
        if (!caller.admin() || !namespaces.perTenant()) {
          throw SandboxError.invalid(
              describe(object)
                  + ": Sandboxes and claims are applied into the caller's own namespace, \""
                  + own
                  + "\"; leave metadata.namespace out");
        }
        // An admin applies for the tenant whose namespace it names.
        owner = namespace;
      }
      object.getMetadata().setNamespace(namespace == null ? own : namespace);
    } else {
      if (namespace != null && !namespace.equals(namespaces.shared())) {
        throw SandboxError.invalid(
            describe(object)
                + ": "
                + object.getKind()
                + " objects are shared by every tenant and live in namespace \""
                + namespaces.shared()
                + "\"");
      }
      object.getMetadata().setNamespace(namespaces.shared());
    }
    refuseReservedMetadata(object);
    try {
      ManifestValidator.check(object);
      if (object instanceof ToolPolicy policy) {
        // Refused now, with the CEL error, rather than failing calls later.
        ToolPolicyCompiler.compile(policy);
      }
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(e.getMessage());
    }
    try {
      localCheck.accept(object);
    } catch (InvalidManifestException e) {
      throw SandboxError.invalid(describe(object) + ": " + e.getMessage());
    }
    if (object instanceof Sandbox || object instanceof SandboxClaim) {
      sandboxes.applyLifetime(object);
      Map<String, String> labels =
          object.getMetadata().getLabels() == null
              ? new HashMap<>()
              : new HashMap<>(object.getMetadata().getLabels());
      labels.put(AgentLabels.TENANT, owner);
      object.getMetadata().setLabels(labels);
    }
  }

  /**
   * Refuses metadata only the controller may write, for admins too: pool membership, claims and
   * tenancy are decided from it (see {@link ReservedMetadata}).
   */
  private static void refuseReservedMetadata(HasMetadata object) {
    List<String> fields = ReservedMetadata.setIn(object);
    if (!fields.isEmpty()) {
      throw SandboxError.invalid(
          describe(object)
              + ": "
              + String.join(", ", fields.subList(0, Math.min(fields.size(), 5)))
              + (fields.size() > 5 ? " and " + (fields.size() - 5) + " more" : "")
              + (fields.size() == 1 ? " is" : " are")
              + " reserved for the controller (prefixes agents.x-k8s.io/,"
              + " extensions.agents.x-k8s.io/, bastion.dev/; owner references): remove "
              + (fields.size() == 1 ? "it" : "them"));
    }
  }

  private <T extends CustomResource<?, ?>> Applied applyOne(
      Caller caller, T object, Optional<PolicyLimits.Bound> maxSandboxes) {
    String kind = object.getKind();
    String name = object.getMetadata().getName();
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) object.getClass();
    String namespace = object.getMetadata().getNamespace();
    Optional<T> existing = store.get(type, namespace, name);
    if (existing.isEmpty()) {
      if (object instanceof Sandbox || object instanceof SandboxClaim) {
        // A new Sandbox or claim is a new sandbox: the quota holds here as for Create.
        sandboxes.withinQuota(
            object.getMetadata().getLabels().get(AgentLabels.TENANT),
            maxSandboxes,
            name,
            () -> store.create(object));
      } else {
        store.create(object);
      }
      return new Applied(kind, name, "created");
    }
    T current = existing.get();
    if (!canSee(caller, current)) {
      // Only the shared namespace holds objects a tenant cannot see (the pools' members, which
      // the server names), and only the tenant whose namespace it is (default) gets here.
      throw new SandboxError(
          SandboxError.Kind.ALREADY_EXISTS,
          kind + " \"" + name + "\" is taken by the server's own objects; choose another name");
    }
    String version = current.getMetadata().getResourceVersion();
    // The controller's own labels and annotations (pool membership, the claim served, the tenant)
    // stay as it wrote them; an apply replaces only the rest.
    current
        .getMetadata()
        .setLabels(
            ReservedMetadata.keepControllers(
                current.getMetadata().getLabels(), object.getMetadata().getLabels()));
    current
        .getMetadata()
        .setAnnotations(
            ReservedMetadata.keepControllers(
                current.getMetadata().getAnnotations(), object.getMetadata().getAnnotations()));
    setSpec(current, object.getSpec());
    T updated = store.update(current);
    return new Applied(
        kind,
        name,
        version.equals(updated.getMetadata().getResourceVersion()) ? "unchanged" : "configured");
  }

  /**
   * The object {@code name} of {@code type} the caller may see: looked up in its namespace, then
   * the shared one; an admin finds other tenants' too (the first by namespace).
   */
  private HasMetadata visible(
      Caller caller, Class<? extends CustomResource<?, ?>> type, String name) {
    List<String> where =
        isAgentType(type) ? namespaces.searchedFor(caller.tenant()) : List.of(namespaces.shared());
    for (String namespace : where) {
      Optional<? extends CustomResource<?, ?>> found =
          store.get(type, namespace, name).filter(o -> canSee(caller, o));
      if (found.isPresent()) {
        return found.get();
      }
    }
    if (caller.admin() && isAgentType(type)) {
      Optional<? extends CustomResource<?, ?>> elsewhere =
          store.listAll(type).stream()
              .filter(o -> name.equals(o.getMetadata().getName()))
              .min(java.util.Comparator.comparing(o -> o.getMetadata().getNamespace()));
      if (elsewhere.isPresent()) {
        return elsewhere.get();
      }
    }
    throw new SandboxError(
        SandboxError.Kind.NOT_FOUND, HasMetadata.getKind(type) + " \"" + name + "\" not found");
  }

  /**
   * Templates and pools are visible to all; a tenant's own objects only to it (and admins);
   * policies only to admins: their rules would show an agent what to try around them.
   */
  private static boolean canSee(Caller caller, HasMetadata object) {
    if (caller.admin()) {
      return true;
    }
    if (object instanceof ToolPolicy) {
      return false;
    }
    if (!(object instanceof Sandbox || object instanceof SandboxClaim)) {
      return true;
    }
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && caller.tenant().equals(labels.get(AgentLabels.TENANT));
  }

  private static void requireWriteAccess(Caller caller, HasMetadata object) {
    boolean shared =
        object instanceof SandboxTemplate
            || object instanceof SandboxWarmPool
            || object instanceof ToolPolicy;
    if (shared && !caller.admin()) {
      throw new SandboxError(
          SandboxError.Kind.PERMISSION_DENIED,
          "only admin tenants may change "
              + object.getKind()
              + " objects ("
              + describe(object)
              + ")");
    }
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + " \"" + object.getMetadata().getName() + "\"";
  }

  private static CustomResource<?, ?> asResource(HasMetadata object) {
    return (CustomResource<?, ?>) object;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setSpec(CustomResource target, Object spec) {
    target.setSpec(spec);
  }
}
