package dev.bastion.controller.hardening;

import static dev.bastion.controller.hardening.GradedObject.POD;

import dev.bastion.controller.model.ManifestText;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;

/** Checks of the pod as a whole: its runtime, what it shares with the host, its token. */
final class PodChecks {

  /** gVisor or Kata: the pod gets a kernel of its own instead of the host's. */
  static final HardeningCheck RUNTIME_CLASS =
      new HardeningCheck("runtime-class", 15, PodChecks::runtimeClass);

  /** None of the host's network, process, IPC or user namespaces. */
  static final HardeningCheck HOST_NAMESPACES =
      new HardeningCheck("host-namespaces", 15, PodChecks::hostNamespaces);

  /** No hostPath volume: none of the host's files inside the sandbox. */
  static final HardeningCheck HOST_PATH = new HardeningCheck("host-path", 15, PodChecks::hostPath);

  /** No Kubernetes API credentials for sandboxed code. */
  static final HardeningCheck SERVICE_ACCOUNT_TOKEN =
      new HardeningCheck("service-account-token", 5, PodChecks::serviceAccountToken);

  private static final String SET_RUNTIME = "set it to gvisor or kata";

  private PodChecks() {}

  // kata-deploy installs its runtime classes as kata-qemu, kata-clh, kata-fc, ...
  private static Verdict runtimeClass(GradedObject object) {
    String name = object.pod().getRuntimeClassName();
    String path = POD + ".runtimeClassName";
    if (name == null) {
      return new Verdict.Fail(
          new Finding(path, "is unset: the pod runs on the host's kernel", SET_RUNTIME));
    }
    if (name.equals("gvisor") || name.equals("kata") || name.startsWith("kata-")) {
      return Verdict.PASS;
    }
    return new Verdict.Fail(
        new Finding(
            path,
            "is " + ManifestText.quote(name) + ", neither gVisor nor Kata: no kernel of its own",
            SET_RUNTIME));
  }

  // hostUsers fails only when true: unset is the host's user namespace on Kubernetes too, but a
  // user namespace needs cluster and runtime support (and embedded mode has none), while gVisor
  // or Kata (runtime-class) already keep the pod's users off the host's kernel.
  private static Verdict hostNamespaces(GradedObject object) {
    PodSpec pod = object.pod();
    List<Finding> findings = new ArrayList<>();
    shared(findings, "hostNetwork", pod.getHostNetwork(), "network");
    shared(findings, "hostPID", pod.getHostPID(), "processes");
    shared(findings, "hostIPC", pod.getHostIPC(), "IPC");
    shared(findings, "hostUsers", pod.getHostUsers(), "user IDs");
    return Verdict.of(findings);
  }

  private static void shared(List<Finding> findings, String field, Boolean value, String what) {
    if (Boolean.TRUE.equals(value)) {
      findings.add(
          new Finding(
              POD + "." + field, "is true: the pod shares the host's " + what, "remove it"));
    }
  }

  private static Verdict hostPath(GradedObject object) {
    List<Volume> volumes = object.pod().getVolumes();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; volumes != null && i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      if (volume.getHostPath() != null) {
        String hostPath = volume.getHostPath().getPath();
        findings.add(
            new Finding(
                ManifestText.index(POD + ".volumes", i) + ".hostPath",
                "mounts the host's "
                    + (hostPath == null ? "files" : ManifestText.quote(hostPath))
                    + " into the sandbox",
                "remove the volume and its volumeMounts, and keep files in a volume claim template"));
      }
    }
    return Verdict.of(findings);
  }

  // A template's pods get automountServiceAccountToken: false unless it says otherwise (the API's
  // rule); a Sandbox's pod gets Kubernetes' default, which mounts the token.
  private static Verdict serviceAccountToken(GradedObject object) {
    Boolean mount = object.pod().getAutomountServiceAccountToken();
    String path = POD + ".automountServiceAccountToken";
    if (Boolean.FALSE.equals(mount)
        || (mount == null && object instanceof GradedObject.OfTemplate)) {
      return Verdict.PASS;
    }
    String problem =
        mount == null
            ? "is unset: Kubernetes mounts the service account token by default"
            : "is true: sandboxed code gets a token for the Kubernetes API";
    return new Verdict.Fail(new Finding(path, problem, "set it to false"));
  }
}
