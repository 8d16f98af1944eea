package dev.bastion.controller.kubernetes;

import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;

/** Manifests the builder tests start from, read the way {@code bastion apply -f} reads them. */
final class Samples {

  /**
   * A Sandbox made from template "py" whose pod template tries what a template must not: reserved
   * and Bastion labels, its own value for sandboxd's listen address, a sidecar mounting the token,
   * and a volume of the same name as a claim template.
   */
  static final String SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata:
        name: s1
        namespace: team-a
        uid: sandbox-uid
        annotations: {bastion.dev/template: py}
      spec:
        service: true
        podTemplate:
          metadata:
            labels:
              app: py
              agents.x-k8s.io/sandbox-name-hash: forged
              extensions.agents.x-k8s.io/warm-pool: p
              bastion.dev/sandbox: "false"
              bastion.dev/template: other
            annotations: {note: kept, agents.x-k8s.io/secret: dropped}
          spec:
            containers:
            - name: main
              image: bastion/python
              env:
              - {name: SANDBOXD_LISTEN, value: "0.0.0.0:1"}
              - {name: KEEP, value: "1"}
              volumeMounts:
              - {name: workspace, mountPath: /workspace}
              - {name: scratch, mountPath: /var/run/bastion/token}
            - name: sidecar
              image: busybox
              volumeMounts:
              - {name: bastion-sandboxd-token, mountPath: /steal}
              - {name: scratch, mountPath: /scratch}
            volumes:
            - {name: workspace, emptyDir: {}}
            - {name: scratch, emptyDir: {}}
        volumeClaimTemplates:
        - metadata:
            name: workspace
            labels: {tier: fast, agents.x-k8s.io/sandbox-name-hash: forged}
            annotations: {backup: daily, extensions.agents.x-k8s.io/x: dropped}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
        - metadata: {name: cache}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 2Gi}}
      """;

  /** A Sandbox with nothing but one container. */
  static final String PLAIN_SANDBOX =
      """
      apiVersion: agents.x-k8s.io/v1beta1
      kind: Sandbox
      metadata: {name: plain, namespace: team-a, uid: plain-uid}
      spec:
        podTemplate:
          spec:
            containers: [{name: main, image: bastion/python}]
      """;

  /** A SandboxTemplate; {@code %s} is replaced by more of its spec (indented by two spaces). */
  static final String TEMPLATE =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: py, namespace: team-a, uid: template-uid}
      spec:
        podTemplate:
          spec:
            containers: [{name: main, image: bastion/python}]
      %s
      """;

  private Samples() {}

  static Sandbox sandbox() {
    return sandbox(SANDBOX);
  }

  static Sandbox sandbox(String yaml) {
    return (Sandbox) Manifests.parse(yaml).getFirst();
  }

  static SandboxTemplate template(String extraSpec) {
    return (SandboxTemplate) Manifests.parse(TEMPLATE.formatted(extraSpec)).getFirst();
  }

  static String json(Object object) {
    return ModelSerialization.toJson(object);
  }
}
