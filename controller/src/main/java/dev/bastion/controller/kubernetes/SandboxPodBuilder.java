package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.KubernetesNames;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.PodTemplate;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.VolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Pod of a Sandbox: its pod template plus what Bastion needs of every sandbox pod — identity
 * labels, persistent volumes mounted StatefulSet-style, and sandboxd wired to the gateway (port,
 * token, readiness). Pure: the Sandbox is never changed.
 *
 * <p>sandboxd runs as the entry process of the first container, so that container gets the token,
 * the listen address, the port and the readiness probe. What Bastion sets for sandboxd replaces
 * what the template says, so a template (or the agent it runs) cannot point sandboxd elsewhere.
 */
public final class SandboxPodBuilder {

  /**
   * Readable by every user in the pod: sandboxd runs as whatever user the image chose (1000 in
   * Bastion's), and Secret files belong to root unless the pod sets an fsGroup. No secrecy is lost
   * inside the pod: the agent's code runs as sandboxd's user anyway, and the token opens only this
   * sandbox's sandboxd, which that code already runs under.
   */
  private static final int TOKEN_FILE_MODE = 0444;

  /**
   * Seconds between readiness checks. The default (10 s) would add up to that much to every cold
   * start, since the first check usually comes before sandboxd listens; a TCP connect is cheap.
   */
  private static final int READINESS_PERIOD_SECONDS = 1;

  /** The volume that gives the first container a writable /tmp when the template has none. */
  static final String TMP_VOLUME = "bastion-tmp";

  /**
   * The group of the user Bastion's sandbox image runs as. Volumes (the workspace claim) are made
   * writable to it, as embedded mode's workspace is: a template written for both modes cannot say
   * so itself, since one machine refuses fsGroup.
   */
  static final long SANDBOX_GROUP = 1000;

  private SandboxPodBuilder() {}

  /** The Pod that runs {@code sandbox}, named like it and controlled by it. */
  public static Pod build(Sandbox sandbox) {
    String name = sandbox.getMetadata().getName();
    PodTemplate template = sandbox.getSpec().getPodTemplate();
    PodSpec spec = ModelSerialization.get().clone(template.getSpec());
    if (spec.getAutomountServiceAccountToken() == null) {
      spec.setAutomountServiceAccountToken(false);
    }
    if (spec.getSecurityContext() == null) {
      spec.setSecurityContext(new PodSecurityContext());
    }
    if (spec.getSecurityContext().getFsGroup() == null) {
      spec.getSecurityContext().setFsGroup(SANDBOX_GROUP);
    }
    spec.setVolumes(volumes(sandbox, spec.getVolumes()));
    keepTokenFromOtherContainers(spec);
    if (spec.getContainers() != null && !spec.getContainers().isEmpty()) {
      wireSandboxd(spec.getContainers().get(0));
      giveTmp(spec, spec.getContainers().get(0));
    }
    if (Boolean.TRUE.equals(sandbox.getSpec().getService())) {
      // With the headless Service of the same name, the pod resolves as <name>.<name>.<ns>.svc.
      spec.setHostname(name);
      spec.setSubdomain(name);
    }
    return new PodBuilder().withMetadata(metadata(sandbox, template)).withSpec(spec).build();
  }

  private static ObjectMeta metadata(Sandbox sandbox, PodTemplate template) {
    ObjectMetaBuilder meta =
        new ObjectMetaBuilder(
                SandboxChildren.metadata(
                    sandbox, sandbox.getMetadata().getName(), template.getMetadata()))
            // Only Bastion says which template a pod is of: its NetworkPolicy selects on it.
            .removeFromLabels(SandboxdWiring.TEMPLATE_LABEL)
            .addToLabels(SandboxdWiring.SANDBOX_LABEL, "true");
    templateName(sandbox)
        .filter(KubernetesNames::isLabelValue)
        .ifPresent(templateName -> meta.addToLabels(SandboxdWiring.TEMPLATE_LABEL, templateName));
    return meta.build();
  }

  private static Optional<String> templateName(Sandbox sandbox) {
    Map<String, String> annotations = sandbox.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations).map(a -> a.get(AgentLabels.TEMPLATE));
  }

  /** The template's volumes with each claim template's volume and the token put in by name. */
  private static List<Volume> volumes(Sandbox sandbox, List<Volume> templateVolumes) {
    List<Volume> volumes = templateVolumes == null ? new ArrayList<>() : templateVolumes;
    List<VolumeClaimTemplate> claims = sandbox.getSpec().getVolumeClaimTemplates();
    if (claims != null) {
      for (VolumeClaimTemplate claim : claims) {
        String volumeName = claim.getMetadata().getName();
        put(
            volumes,
            new VolumeBuilder()
                .withName(volumeName)
                .withNewPersistentVolumeClaim()
                .withClaimName(
                    SandboxVolumeClaims.claimName(volumeName, sandbox.getMetadata().getName()))
                .endPersistentVolumeClaim()
                .build(),
            Volume::getName);
      }
    }
    put(
        volumes,
        new VolumeBuilder()
            .withName(SandboxdWiring.TOKEN_VOLUME)
            .withNewSecret()
            .withSecretName(SandboxdWiring.secretName(sandbox.getMetadata().getName()))
            .withDefaultMode(TOKEN_FILE_MODE)
            .endSecret()
            .build(),
        Volume::getName);
    return volumes;
  }

  /** Only sandboxd's container may mount the token; the template's other containers may not. */
  private static void keepTokenFromOtherContainers(PodSpec spec) {
    List<Container> containers = new ArrayList<>();
    if (spec.getInitContainers() != null) {
      containers.addAll(spec.getInitContainers());
    }
    if (spec.getContainers() != null) {
      containers.addAll(spec.getContainers());
    }
    for (Container container : containers) {
      if (container.getVolumeMounts() != null) {
        container
            .getVolumeMounts()
            .removeIf(mount -> SandboxdWiring.TOKEN_VOLUME.equals(mount.getName()));
      }
    }
  }

  private static void wireSandboxd(Container container) {
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null ? new ArrayList<>() : container.getVolumeMounts();
    // A template mount at or below the token directory would shadow the token file.
    mounts.removeIf(mount -> isAtOrBelow(mount.getMountPath(), SandboxdWiring.TOKEN_DIR));
    mounts.add(
        new VolumeMountBuilder()
            .withName(SandboxdWiring.TOKEN_VOLUME)
            .withMountPath(SandboxdWiring.TOKEN_DIR)
            .withReadOnly(true)
            .build());
    container.setVolumeMounts(mounts);

    List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : container.getEnv();
    put(
        env,
        new EnvVar(SandboxdWiring.LISTEN_ENV, SandboxdWiring.LISTEN_ADDRESS, null),
        EnvVar::getName);
    put(
        env,
        new EnvVar(SandboxdWiring.TOKEN_FILE_ENV, SandboxdWiring.TOKEN_FILE, null),
        EnvVar::getName);
    container.setEnv(env);

    boolean portDeclared =
        container.getPorts() != null
            && container.getPorts().stream()
                .anyMatch(
                    port ->
                        Integer.valueOf(SandboxdWiring.PORT).equals(port.getContainerPort())
                            || SandboxdWiring.PORT_NAME.equals(port.getName()));
    if (!portDeclared) {
      List<ContainerPort> ports =
          container.getPorts() == null ? new ArrayList<>() : container.getPorts();
      ports.add(
          new ContainerPortBuilder()
              .withName(SandboxdWiring.PORT_NAME)
              .withContainerPort(SandboxdWiring.PORT)
              .withProtocol("TCP")
              .build());
      container.setPorts(ports);
    }

    if (container.getReadinessProbe() == null) {
      container.setReadinessProbe(
          new ProbeBuilder()
              .withNewTcpSocket()
              .withPort(new IntOrString(SandboxdWiring.PORT))
              .endTcpSocket()
              .withPeriodSeconds(READINESS_PERIOD_SECONDS)
              .build());
    }
  }

  /**
   * A writable /tmp for the first container when the template mounts none, as embedded mode gives
   * one (a tmpfs there): sandboxd's JVM unpacks its native library into /tmp, and the root is
   * read-only in a hardened template. Sized like the container's ephemeral-storage limit.
   */
  private static void giveTmp(PodSpec spec, Container container) {
    if (container.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(m.getMountPath()))) {
      return;
    }
    Quantity limit =
        container.getResources() == null || container.getResources().getLimits() == null
            ? null
            : container.getResources().getLimits().get("ephemeral-storage");
    put(
        spec.getVolumes(),
        new VolumeBuilder()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(limit)
            .endEmptyDir()
            .build(),
        Volume::getName);
    container
        .getVolumeMounts()
        .add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build());
  }

  private static boolean isAtOrBelow(String path, String directory) {
    return path != null && (path.equals(directory) || path.startsWith(directory + "/"));
  }

  /** Replaces the item of the same name in place, or appends it. */
  private static <T> void put(List<T> items, T item, Function<T, String> nameOf) {
    String name = nameOf.apply(item);
    for (int i = 0; i < items.size(); i++) {
      if (name.equals(nameOf.apply(items.get(i)))) {
        items.set(i, item);
        return;
      }
    }
    items.add(item);
  }
}
