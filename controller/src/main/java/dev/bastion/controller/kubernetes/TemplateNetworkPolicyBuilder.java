package dev.bastion.controller.kubernetes;

import dev.bastion.controller.desired.Owners;
import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.KubernetesNames;
import dev.bastion.controller.model.ModelSerialization;
import dev.bastion.controller.model.NetworkPolicyManagement;
import dev.bastion.controller.model.SandboxNetworkPolicy;
import dev.bastion.controller.model.SandboxTemplate;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NetworkPolicy of a SandboxTemplate's pods. The template's own rules are used as given, each
 * direction on its own, except that no egress rule reaches a cloud metadata address ({@link
 * MetadataAddresses}); a direction without rules gets the secure default: ingress only from the
 * gateway to sandboxd, egress only to cluster DNS and to public addresses.
 */
public final class TemplateNetworkPolicyBuilder {

  /**
   * Addresses sandboxes may not reach by default: private networks (where the cluster's own pods,
   * services and nodes live), loopback, carrier-grade NAT, link-local (which holds the cloud
   * metadata endpoint 169.254.169.254 and its credentials) and their IPv6 counterparts.
   */
  static final List<String> NON_PUBLIC_RANGES =
      List.of(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "169.254.0.0/16",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "fc00::/7",
          "fe80::/10",
          "::1/128");

  private static final String ALL_IPV4 = "0.0.0.0/0";
  private static final String ALL_IPV6 = "::/0";
  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  private static final int DNS_PORT = 53;

  /**
   * The gateway pods that may reach sandboxd.
   *
   * @param namespace the gateway's namespace
   * @param podLabels labels that select the gateway's pods there
   */
  public record GatewayPeer(String namespace, Map<String, String> podLabels) {}

  private TemplateNetworkPolicyBuilder() {}

  /**
   * The NetworkPolicy {@code <template>-sandboxes} for the pods of {@code template}, owned by it;
   * empty when the template's network policy is Unmanaged.
   *
   * @throws IllegalArgumentException when the template's name is too long to label its pods with,
   *     so no policy could select them
   */
  public static Optional<NetworkPolicy> build(SandboxTemplate template, GatewayPeer gateway) {
    if (template.getSpec().getNetworkPolicyManagement() == NetworkPolicyManagement.Unmanaged) {
      return Optional.empty();
    }
    String name = template.getMetadata().getName();
    if (!KubernetesNames.isLabelValue(name)) {
      throw new IllegalArgumentException(
          "template "
              + name
              + " has a name too long for the label its NetworkPolicy selects on; use at most 63"
              + " characters or networkPolicyManagement Unmanaged");
    }
    SandboxNetworkPolicy rules = template.getSpec().getNetworkPolicy();
    List<NetworkPolicyIngressRule> ingress =
        rules != null && rules.getIngress() != null
            ? copy(rules.getIngress())
            : List.of(fromGateway(gateway));
    List<NetworkPolicyEgressRule> egress =
        MetadataAddresses.blockedIn(
            rules != null && rules.getEgress() != null
                ? copy(rules.getEgress())
                : List.of(toClusterDns(), toPublicAddresses()));
    return Optional.of(
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName(name + "-sandboxes")
            .withNamespace(template.getMetadata().getNamespace())
            .withOwnerReferences(Owners.controllerRef(template))
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .addToMatchLabels(SandboxdWiring.TEMPLATE_LABEL, name)
            .endPodSelector()
            .withPolicyTypes("Ingress", "Egress")
            .withIngress(ingress)
            .withEgress(egress)
            .endSpec()
            .build());
  }

  private static NetworkPolicyIngressRule fromGateway(GatewayPeer gateway) {
    return new NetworkPolicyIngressRuleBuilder()
        // One peer with both selectors: pods matching podLabels in the gateway's namespace only.
        .addNewFrom()
        .withNamespaceSelector(namespace(gateway.namespace()))
        .withPodSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(gateway.podLabels())
                // A template may give its pods the gateway's labels; a sandbox pod is never it.
                .addNewMatchExpression()
                .withKey(AgentLabels.SANDBOX_NAME_HASH)
                .withOperator("DoesNotExist")
                .endMatchExpression()
                .build())
        .endFrom()
        .withPorts(port("TCP", SandboxdWiring.PORT))
        .build();
  }

  private static NetworkPolicyEgressRule toClusterDns() {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo()
        .withNamespaceSelector(namespace("kube-system"))
        .withPodSelector(new LabelSelectorBuilder().addToMatchLabels("k8s-app", "kube-dns").build())
        .endTo()
        .withPorts(port("UDP", DNS_PORT), port("TCP", DNS_PORT))
        .build();
  }

  private static NetworkPolicyEgressRule toPublicAddresses() {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo()
        .withIpBlock(allExceptNonPublic(ALL_IPV4, false))
        .endTo()
        .addNewTo()
        .withIpBlock(allExceptNonPublic(ALL_IPV6, true))
        .endTo()
        .build();
  }

  /** An ipBlock's exceptions must lie within its cidr, so each family gets its own ranges. */
  private static IPBlock allExceptNonPublic(String cidr, boolean ipv6) {
    return new IPBlockBuilder()
        .withCidr(cidr)
        .withExcept(NON_PUBLIC_RANGES.stream().filter(r -> r.contains(":") == ipv6).toList())
        .build();
  }

  private static LabelSelector namespace(String name) {
    return new LabelSelectorBuilder().addToMatchLabels(NAMESPACE_NAME_LABEL, name).build();
  }

  private static NetworkPolicyPort port(String protocol, int number) {
    return new NetworkPolicyPortBuilder()
        .withProtocol(protocol)
        .withPort(new IntOrString(number))
        .build();
  }

  /** A deep copy, so the policy shares no mutable state with the template. */
  private static <T> List<T> copy(List<T> rules) {
    return rules.stream().map(ModelSerialization.get()::clone).toList();
  }
}
