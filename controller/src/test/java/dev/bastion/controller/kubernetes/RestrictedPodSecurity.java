package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.ModelSerialization;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checks of the Pod Security Standards' {@code restricted} level (which includes {@code
 * baseline}), as Pod Security admission applies them to a pod spec: what a namespace labelled
 * {@code pod-security.kubernetes.io/enforce: restricted} would refuse. Written from the standard's
 * text, not from Bastion's code, so a test can hold the two against each other.
 */
public final class RestrictedPodSecurity {

  private static final Set<String> VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private static final Set<String> SECCOMP_TYPES = Set.of("RuntimeDefault", "Localhost");

  private static final Set<String> SELINUX_TYPES =
      Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  private static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");

  private RestrictedPodSecurity() {}

  /** What in {@code spec} the restricted level forbids, one line each; empty when it passes. */
  public static List<String> violations(PodSpec spec) {
    List<String> violations = new ArrayList<>();
    PodSecurityContext pod =
        spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
    for (Map.Entry<String, Boolean> host :
        Map.of(
                "hostNetwork", isTrue(spec.getHostNetwork()),
                "hostPID", isTrue(spec.getHostPID()),
                "hostIPC", isTrue(spec.getHostIPC()))
            .entrySet()) {
      if (host.getValue()) {
        violations.add(host.getKey() + " is true");
      }
    }
    for (Volume volume : nullToEmpty(spec.getVolumes())) {
      String type = volumeType(volume);
      if (!VOLUME_TYPES.contains(type)) {
        violations.add("volume " + volume.getName() + " is of type " + type);
      }
    }
    if (Long.valueOf(0).equals(pod.getRunAsUser())) {
      violations.add("the pod runs as user 0");
    }
    seLinux(pod.getSeLinuxOptions(), "the pod", violations);
    for (Sysctl sysctl : nullToEmpty(pod.getSysctls())) {
      if (!SAFE_SYSCTLS.contains(sysctl.getName())) {
        violations.add("sysctl " + sysctl.getName() + " is not a safe one");
      }
    }
    boolean podNonRoot = isTrue(pod.getRunAsNonRoot());
    boolean podSeccomp = seccompAllowed(pod.getSeccompProfile());
    if (pod.getSeccompProfile() != null && !podSeccomp) {
      violations.add("the pod's seccomp profile is " + pod.getSeccompProfile().getType());
    }
    for (Container container : containers(spec)) {
      String name = "container " + container.getName();
      SecurityContext context =
          container.getSecurityContext() == null
              ? new SecurityContext()
              : container.getSecurityContext();
      if (isTrue(context.getPrivileged())) {
        violations.add(name + " is privileged");
      }
      if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        violations.add(name + " does not set allowPrivilegeEscalation: false");
      }
      if (Boolean.FALSE.equals(context.getRunAsNonRoot())
          || (!podNonRoot && !isTrue(context.getRunAsNonRoot()))) {
        violations.add(name + " may run as root (runAsNonRoot is not true)");
      }
      if (Long.valueOf(0).equals(context.getRunAsUser())) {
        violations.add(name + " runs as user 0");
      }
      boolean seccompSet = context.getSeccompProfile() != null;
      if (seccompSet ? !seccompAllowed(context.getSeccompProfile()) : !podSeccomp) {
        violations.add(name + " has no RuntimeDefault or Localhost seccomp profile");
      }
      Capabilities capabilities = context.getCapabilities();
      if (capabilities == null || !nullToEmpty(capabilities.getDrop()).contains("ALL")) {
        violations.add(name + " does not drop ALL capabilities");
      }
      if (capabilities != null
          && nullToEmpty(capabilities.getAdd()).stream()
              .anyMatch(added -> !added.equals("NET_BIND_SERVICE"))) {
        violations.add(name + " adds capabilities " + capabilities.getAdd());
      }
      if (context.getProcMount() != null && !context.getProcMount().equals("Default")) {
        violations.add(name + " has procMount " + context.getProcMount());
      }
      seLinux(context.getSeLinuxOptions(), name, violations);
      for (ContainerPort port : nullToEmpty(container.getPorts())) {
        if (port.getHostPort() != null && port.getHostPort() != 0) {
          violations.add(name + " uses host port " + port.getHostPort());
        }
      }
    }
    return violations;
  }

  private static List<Container> containers(PodSpec spec) {
    return Stream.concat(
            nullToEmpty(spec.getInitContainers()).stream(),
            nullToEmpty(spec.getContainers()).stream())
        .toList();
  }

  /** The volume's one source field, read from its JSON form so every type is named. */
  private static String volumeType(Volume volume) {
    Map<?, ?> fields = ModelSerialization.get().convertValue(volume, Map.class);
    return fields.keySet().stream()
        .map(String::valueOf)
        .filter(key -> !key.equals("name"))
        .findFirst()
        .orElse("none");
  }

  private static void seLinux(SELinuxOptions options, String who, List<String> out) {
    if (options == null) {
      return;
    }
    if (options.getType() != null && !SELINUX_TYPES.contains(options.getType())) {
      out.add(who + " has SELinux type " + options.getType());
    }
    if (options.getUser() != null || options.getRole() != null) {
      out.add(who + " sets an SELinux user or role");
    }
  }

  private static boolean seccompAllowed(SeccompProfile profile) {
    return profile != null && SECCOMP_TYPES.contains(profile.getType());
  }

  private static boolean isTrue(Boolean value) {
    return Boolean.TRUE.equals(value);
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
