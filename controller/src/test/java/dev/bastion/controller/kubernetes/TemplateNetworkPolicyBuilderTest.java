package dev.bastion.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bastion.controller.kubernetes.TemplateNetworkPolicyBuilder.GatewayPeer;
import dev.bastion.controller.model.SandboxTemplate;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateNetworkPolicyBuilderTest {

  private static final GatewayPeer GATEWAY =
      new GatewayPeer("bastion-system", Map.of("app.kubernetes.io/name", "bastion-gateway"));

  private static final String GIVEN_RULES =
      """
        networkPolicy:
          ingress:
          - from: [{podSelector: {matchLabels: {role: client}}}]
            ports: [{protocol: TCP, port: 8080}]
          egress: []
      """;

  @Test
  void anUnmanagedTemplateHasNoPolicy() {
    assertThat(
            TemplateNetworkPolicyBuilder.build(
                Samples.template("  networkPolicyManagement: Unmanaged"), GATEWAY))
        .isEmpty();
  }

  @Test
  void thePolicySelectsTheTemplatesPodsAndIsOwnedByIt() {
    NetworkPolicy policy = build(Samples.template("  networkPolicyManagement: Managed"));

    assertThat(policy.getMetadata().getName()).isEqualTo("py-sandboxes");
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("team-a");
    OwnerReference owner = policy.getMetadata().getOwnerReferences().getFirst();
    assertThat(owner.getApiVersion()).isEqualTo("extensions.agents.x-k8s.io/v1beta1");
    assertThat(owner.getKind()).isEqualTo("SandboxTemplate");
    assertThat(owner.getName()).isEqualTo("py");
    assertThat(owner.getUid()).isEqualTo("template-uid");
    assertThat(owner.getController()).isTrue();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("bastion.dev/template", "py"));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
  }

  @Test
  void byDefaultOnlyTheGatewayReachesSandboxd() {
    List<NetworkPolicyIngressRule> ingress = build(Samples.template("")).getSpec().getIngress();

    assertThat(ingress).hasSize(1);
    // One peer holding both selectors means "these pods in that namespace", not either of them.
    NetworkPolicyPeer peer = ingress.getFirst().getFrom().getFirst();
    assertThat(ingress.getFirst().getFrom()).hasSize(1);
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "bastion-system"));
    assertThat(peer.getPodSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("app.kubernetes.io/name", "bastion-gateway"));
    // A template may label its pods like the gateway; a sandbox pod still is not let in.
    assertThat(peer.getPodSelector().getMatchExpressions())
        .extracting(LabelSelectorRequirement::getKey, LabelSelectorRequirement::getOperator)
        .containsExactly(tuple("agents.x-k8s.io/sandbox-name-hash", "DoesNotExist"));
    assertThat(peer.getIpBlock()).isNull();
    assertThat(ingress.getFirst().getPorts())
        .extracting(NetworkPolicyPort::getProtocol, port -> port.getPort().getIntVal())
        .containsExactly(tuple("TCP", 7070));
  }

  @Test
  void byDefaultEgressReachesClusterDnsAndPublicAddressesOnly() {
    List<NetworkPolicyEgressRule> egress = build(Samples.template("")).getSpec().getEgress();

    assertThat(egress).hasSize(2);
    NetworkPolicyEgressRule dns = egress.get(0);
    NetworkPolicyPeer kubeDns = dns.getTo().getFirst();
    assertThat(kubeDns.getNamespaceSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "kube-system"));
    assertThat(kubeDns.getPodSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("k8s-app", "kube-dns"));
    assertThat(dns.getPorts())
        .extracting(NetworkPolicyPort::getProtocol, port -> port.getPort().getIntVal())
        .containsExactlyInAnyOrder(tuple("UDP", 53), tuple("TCP", 53));

    NetworkPolicyEgressRule world = egress.get(1);
    assertThat(world.getPorts()).isNullOrEmpty();
    assertThat(world.getTo())
        .extracting(NetworkPolicyPeer::getIpBlock)
        .extracting(IPBlock::getCidr)
        .containsExactly("0.0.0.0/0", "::/0");
    assertThat(world.getTo().get(0).getIpBlock().getExcept())
        .containsExactlyInAnyOrder(
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "169.254.0.0/16",
            "100.64.0.0/10",
            "127.0.0.0/8");
    assertThat(world.getTo().get(1).getIpBlock().getExcept())
        .containsExactlyInAnyOrder("fc00::/7", "fe80::/10", "::1/128");
  }

  @Test
  void givenRulesAreUsedAsTheyAreEachDirectionOnItsOwn() {
    SandboxTemplate template = Samples.template(GIVEN_RULES);

    NetworkPolicy policy = build(template);

    List<NetworkPolicyIngressRule> ingress = policy.getSpec().getIngress();
    assertThat(ingress).isEqualTo(template.getSpec().getNetworkPolicy().getIngress());
    assertThat(ingress.getFirst())
        .isNotSameAs(template.getSpec().getNetworkPolicy().getIngress().getFirst());
    // An empty list is a rule too: no egress at all.
    assertThat(policy.getSpec().getEgress()).isEmpty();
  }

  @Test
  void givenIngressAloneKeepsTheDefaultEgress() {
    NetworkPolicy policy =
        build(
            Samples.template(
                """
                  networkPolicy:
                    ingress: [{from: [{podSelector: {}}]}]
                """));

    assertThat(policy.getSpec().getIngress().getFirst().getFrom().getFirst().getPodSelector())
        .isNotNull();
    assertThat(policy.getSpec().getEgress()).hasSize(2);
  }

  @Test
  void givenEgressReachesEverythingItAskedForButTheMetadataAddresses() {
    NetworkPolicy policy =
        build(
            Samples.template(
                """
                  networkPolicy:
                    egress:
                    - to:
                      - {ipBlock: {cidr: 0.0.0.0/0}}
                      - {ipBlock: {cidr: "::/0", except: ["fd00::/8"]}}
                      - {ipBlock: {cidr: 169.254.169.254/32}}
                      - {ipBlock: {cidr: 10.0.0.0/8}}
                      - {podSelector: {matchLabels: {role: db}}}
                    - ports: [{protocol: TCP, port: 443}]
                    - to: [{ipBlock: {cidr: "fd00:ec2::254/128"}}]
                """));

    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    // The third rule asked for a metadata address only; without peers it would allow everything.
    assertThat(egress).hasSize(2);
    assertThat(egress.get(0).getTo())
        .extracting(
            to -> to.getIpBlock() == null ? null : to.getIpBlock().getCidr(),
            to -> to.getIpBlock() == null ? null : to.getIpBlock().getExcept())
        .containsExactly(
            tuple("0.0.0.0/0", List.of("169.254.169.254/32")),
            // fd00::/8 already holds fd00:ec2::254.
            tuple("::/0", List.of("fd00::/8")),
            tuple("10.0.0.0/8", List.of()),
            tuple(null, null));
    assertThat(egress.get(0).getTo().get(3).getPodSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("role", "db"));
    // A rule without peers reached every address: now every pod, and every address but those.
    NetworkPolicyEgressRule open = egress.get(1);
    assertThat(open.getPorts())
        .extracting(NetworkPolicyPort::getProtocol, port -> port.getPort().getIntVal())
        .containsExactly(tuple("TCP", 443));
    assertThat(open.getTo()).hasSize(3);
    assertThat(open.getTo().get(0).getNamespaceSelector()).isEqualTo(new LabelSelector());
    assertThat(open.getTo().get(0).getPodSelector()).isNull();
    assertThat(open.getTo().subList(1, 3))
        .extracting(to -> to.getIpBlock().getCidr(), to -> to.getIpBlock().getExcept())
        .containsExactly(
            tuple("0.0.0.0/0", List.of("169.254.169.254/32")),
            tuple("::/0", List.of("fd00:ec2::254/128")));
    assertNoIpBlockReachesTheMetadataAddresses(policy);
  }

  @Test
  void theDefaultEgressReachesNoMetadataAddress() {
    assertNoIpBlockReachesTheMetadataAddresses(build(Samples.template("")));
  }

  @Test
  void anEgressCidrThatIsNoAddressIsRefusedNotLookedUp() {
    for (String cidr :
        List.of("metadata.google.internal/32", "300.1.1.1/8", "10.0.0.0/33", "::1")) {
      SandboxTemplate template =
          Samples.template(
              "  networkPolicy: {egress: [{to: [{ipBlock: {cidr: \"" + cidr + "\"}}]}]}");

      assertThatThrownBy(() -> TemplateNetworkPolicyBuilder.build(template, GATEWAY))
          .as(cidr)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(cidr);
    }
  }

  @Test
  void aTemplateNameTooLongToLabelPodsIsRefused() {
    SandboxTemplate template = Samples.template("");
    template.getMetadata().setName("t".repeat(64));

    assertThatThrownBy(() -> TemplateNetworkPolicyBuilder.build(template, GATEWAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 63 characters");
  }

  private static void assertNoIpBlockReachesTheMetadataAddresses(NetworkPolicy policy) {
    assertThat(policy.getSpec().getEgress())
        .flatExtracting(NetworkPolicyEgressRule::getTo)
        .extracting(NetworkPolicyPeer::getIpBlock)
        .filteredOn(block -> block != null)
        .isNotEmpty()
        .allSatisfy(
            block ->
                assertThat(MetadataReach.reachable(block.getCidr(), block.getExcept()))
                    .as(block.getCidr())
                    .isEmpty());
  }

  private static NetworkPolicy build(SandboxTemplate template) {
    return TemplateNetworkPolicyBuilder.build(template, GATEWAY).orElseThrow();
  }
}
