package dev.bastion.loadtest.images;

/** SandboxTemplate manifests that run one image, for tests and benchmarks. */
public final class ImageTemplates {

  private ImageTemplates() {}

  /** A template {@code name} whose one container runs {@code image}, pulled as {@code policy}. */
  public static String of(String name, String image, String policy) {
    return """
        apiVersion: extensions.agents.x-k8s.io/v1beta1
        kind: SandboxTemplate
        metadata: {name: %s}
        spec:
          podTemplate:
            spec:
              containers:
              - {name: main, image: "%s"%s}
        """
        .formatted(name, image, policy.isEmpty() ? "" : ", imagePullPolicy: " + policy);
  }
}
