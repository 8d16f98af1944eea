package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceEvent;
import dev.bastion.controller.store.ResourceOrder;
import dev.bastion.controller.store.ResourceStore;
import dev.bastion.controller.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The Agent Sandbox objects of one namespace on a Kubernetes API server. Reads come from informer
 * caches and never block; writes go to the API server (they block: call them on a worker) with the
 * object's resourceVersion as a precondition, so two controllers, or a controller and an agent's
 * request, never both win a race. A write that would change nothing is not sent at all: a second
 * reconcile pass over an unchanged world makes no API calls.
 *
 * <p>Deleting an owner leaves its dependents to the cluster's garbage collector (owner references),
 * as every Kubernetes controller does.
 */
public final class KubernetesStore implements ResourceStore, AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, SharedIndexInformer<? extends CustomResource<?, ?>>> informers =
      new LinkedHashMap<>();
  private final List<Consumer<ResourceEvent>> listeners = new CopyOnWriteArrayList<>();

  private KubernetesStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Starts an informer per kind in {@code namespace} and returns once every cache holds the
   * server's objects. Blocks.
   */
  public static KubernetesStore start(
      KubernetesClient client,
      String namespace,
      List<Class<? extends CustomResource<?, ?>>> kinds,
      java.time.Duration timeout) {
    KubernetesStore store = new KubernetesStore(client, namespace);
    for (Class<? extends CustomResource<?, ?>> kind : kinds) {
      store.inform(kind);
    }
    Informers.startAll(
        "the Agent Sandbox objects in namespace " + namespace, timeout, store.informers.values());
    return store;
  }

  private <T extends CustomResource<?, ?>> void inform(Class<T> kind) {
    SharedIndexInformer<T> informer =
        client.resources(kind).inNamespace(namespace).runnableInformer(0);
    informer.addEventHandler(new Relay<>(HasMetadata.getKind(kind)));
    informers.put(HasMetadata.getKind(kind), informer);
  }

  /** The namespace this store serves. */
  public String namespace() {
    return namespace;
  }

  @Override
  public <T extends CustomResource<?, ?>> Optional<T> get(
      Class<T> kind, String namespace, String name) {
    return cached(kind, namespace, name).map(ModelSerialization::copy);
  }

  @Override
  public <T extends CustomResource<?, ?>> Optional<T> getLatest(
      Class<T> kind, String namespace, String name) {
    ObjectKey key = new ObjectKey(HasMetadata.getKind(kind), namespace, name);
    return Optional.ofNullable(
        call(key, () -> client.resources(kind).inNamespace(namespace).withName(name).get()));
  }

  @Override
  public <T extends CustomResource<?, ?>, R> Optional<R> read(
      Class<T> kind, String namespace, String name, Function<? super T, R> reader) {
    return cached(kind, namespace, name).map(reader);
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Map<String, String> matchLabels) {
    return list(kind, namespace, object -> hasLabels(object, matchLabels));
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> list(
      Class<T> kind, String namespace, Predicate<? super T> filter) {
    return cached(kind, namespace)
        .filter(filter)
        .map(ModelSerialization::copy)
        .sorted(ResourceOrder.oldestFirst())
        .toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> int count(
      Class<T> kind, String namespace, Predicate<? super T> filter) {
    return (int) cached(kind, namespace).filter(filter).count();
  }

  @Override
  public <T extends CustomResource<?, ?>> List<String> names(
      Class<T> kind, String namespace, Predicate<Map<String, String>> labels) {
    return cached(kind, namespace)
        .filter(o -> labels.test(Objects.requireNonNullElse(o.getMetadata().getLabels(), Map.of())))
        .map(o -> o.getMetadata().getName())
        .toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> List<ObjectKey> keys(Class<T> kind) {
    return cached(kind, null).map(ObjectKey::of).toList();
  }

  @Override
  public <T extends CustomResource<?, ?>> List<T> listAll(Class<T> kind) {
    return list(kind, null, Map.of());
  }

  @Override
  public <T extends CustomResource<?, ?>> T create(T object) {
    T fresh = ModelSerialization.copy(object);
    fresh.setStatus(null);
    fresh.getMetadata().setResourceVersion(null);
    return call(ObjectKey.of(fresh), () -> client.resource(fresh).create());
  }

  @Override
  public <T extends CustomResource<?, ?>> T update(T object) {
    ObjectKey key = ObjectKey.of(object);
    Optional<T> unchanged =
        sameVersionCached(object)
            .filter(
                current ->
                    sameMetadata(current.getMetadata(), object.getMetadata())
                        && sameJson(current.getSpec(), object.getSpec()));
    if (unchanged.isPresent()) {
      return ModelSerialization.copy(unchanged.get());
    }
    // A PUT carrying the resourceVersion read: the server refuses it (409) if the object changed.
    return call(key, () -> client.resource(object).update());
  }

  @Override
  public <T extends CustomResource<?, ?>> T updateStatus(T object) {
    ObjectKey key = ObjectKey.of(object);
    Optional<T> unchanged =
        sameVersionCached(object).filter(c -> sameJson(c.getStatus(), object.getStatus()));
    if (unchanged.isPresent()) {
      return ModelSerialization.copy(unchanged.get());
    }
    return call(key, () -> client.resource(object).updateStatus());
  }

  @Override
  public <T extends CustomResource<?, ?>> boolean delete(
      Class<T> kind, String namespace, String name, String resourceVersion) {
    ObjectKey key = new ObjectKey(HasMetadata.getKind(kind), namespace, name);
    var resource = client.resources(kind).inNamespace(namespace).withName(name);
    return call(
        key,
        () ->
            !(resourceVersion == null
                    ? resource.delete()
                    : resource.lockResourceVersion(resourceVersion).delete())
                .isEmpty());
  }

  @Override
  public void watch(Consumer<ResourceEvent> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
  }

  /** The cached object if the caller read the version the cache holds, else empty. */
  private <T extends CustomResource<?, ?>> Optional<T> sameVersionCached(T object) {
    @SuppressWarnings("unchecked")
    Class<T> kind = (Class<T>) object.getClass();
    return cached(kind, object.getMetadata().getNamespace(), object.getMetadata().getName())
        .filter(
            current ->
                Objects.equals(
                    current.getMetadata().getResourceVersion(),
                    object.getMetadata().getResourceVersion()));
  }

  private <T extends CustomResource<?, ?>> Optional<T> cached(
      Class<T> kind, String namespace, String name) {
    return Optional.ofNullable(informer(kind).getStore().getByKey(namespace + "/" + name));
  }

  private <T extends CustomResource<?, ?>> Stream<T> cached(Class<T> kind, String namespace) {
    return informer(kind).getStore().list().stream()
        .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace()));
  }

  @SuppressWarnings("unchecked")
  private <T extends CustomResource<?, ?>> SharedIndexInformer<T> informer(Class<T> kind) {
    SharedIndexInformer<T> informer =
        (SharedIndexInformer<T>) informers.get(HasMetadata.getKind(kind));
    if (informer == null) {
      throw new IllegalArgumentException("this store does not hold " + kind.getSimpleName());
    }
    return informer;
  }

  private static <R> R call(ObjectKey key, java.util.function.Supplier<R> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw translate(key, e);
    }
  }

  /** The API server's refusals as the store's reasons; anything else (outage) stays as it is. */
  private static RuntimeException translate(ObjectKey key, KubernetesClientException e) {
    String object = key.kind() + " \"" + key.name() + "\"";
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_NOT_FOUND ->
          new StoreException(StoreException.Reason.NOT_FOUND, object + " does not exist");
      case HttpURLConnection.HTTP_CONFLICT ->
          isAlreadyExists(e)
              ? new StoreException(StoreException.Reason.ALREADY_EXISTS, object + " already exists")
              : new StoreException(
                  StoreException.Reason.CONFLICT, object + " changed since it was read");
      default -> e;
    };
  }

  private static boolean isAlreadyExists(KubernetesClientException e) {
    return e.getStatus() != null && "AlreadyExists".equals(e.getStatus().getReason());
  }

  private static boolean hasLabels(HasMetadata object, Map<String, String> wanted) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return wanted.isEmpty() || (labels != null && labels.entrySet().containsAll(wanted.entrySet()));
  }

  private static boolean sameMetadata(ObjectMeta stored, ObjectMeta next) {
    return Objects.equals(emptyIfNull(stored.getLabels()), emptyIfNull(next.getLabels()))
        && Objects.equals(emptyIfNull(stored.getAnnotations()), emptyIfNull(next.getAnnotations()))
        && Objects.equals(
            emptyIfNull(stored.getOwnerReferences()), emptyIfNull(next.getOwnerReferences()))
        && Objects.equals(emptyIfNull(stored.getFinalizers()), emptyIfNull(next.getFinalizers()));
  }

  private static <K, V> Map<K, V> emptyIfNull(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static <E> List<E> emptyIfNull(List<E> list) {
    return list == null ? List.of() : list;
  }

  private static boolean sameJson(Object a, Object b) {
    return ModelSerialization.toJson(a).equals(ModelSerialization.toJson(b));
  }

  /** Tells the listeners what an informer saw, in the store's terms. */
  private final class Relay<T extends CustomResource<?, ?>> implements ResourceEventHandler<T> {

    private final String kind;

    Relay(String kind) {
      this.kind = kind;
    }

    @Override
    public void onAdd(T object) {
      fire(object, owners(object), ResourceEvent.Change.ADDED);
    }

    @Override
    public void onUpdate(T before, T after) {
      if (Objects.equals(
          before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
        return; // an informer resync, not a change: the controller loop resyncs on its own
      }
      boolean statusOnly =
          Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
              && sameMetadata(before.getMetadata(), after.getMetadata())
              && Objects.equals(
                  before.getMetadata().getDeletionTimestamp(),
                  after.getMetadata().getDeletionTimestamp());
      List<OwnerReference> owners = new ArrayList<>(owners(after));
      owners(before).stream().filter(o -> !owners.contains(o)).forEach(owners::add);
      fire(after, owners, statusOnly ? ResourceEvent.Change.STATUS : ResourceEvent.Change.UPDATED);
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      fire(object, owners(object), ResourceEvent.Change.DELETED);
    }

    private void fire(T object, List<OwnerReference> owners, ResourceEvent.Change change) {
      String namespace = object.getMetadata().getNamespace();
      // Owner references never cross namespaces on Kubernetes.
      List<ObjectKey> ownerKeys =
          owners.stream()
              .map(owner -> new ObjectKey(owner.getKind(), namespace, owner.getName()))
              .distinct()
              .toList();
      ResourceEvent event =
          new ResourceEvent(kind, namespace, object.getMetadata().getName(), ownerKeys, change);
      listeners.forEach(listener -> listener.accept(event));
    }

    private List<OwnerReference> owners(T object) {
      return emptyIfNull(object.getMetadata().getOwnerReferences());
    }
  }
}
