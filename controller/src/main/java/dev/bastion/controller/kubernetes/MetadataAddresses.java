package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the cloud metadata endpoints out of a NetworkPolicy's egress rules. Their answers include
 * the node's cloud credentials, and NetworkPolicies only ever add what is allowed: one rule that
 * reaches these addresses opens them to the pod whatever every other policy says. So each rule is
 * rewritten to allow what it allowed before except the metadata addresses.
 */
final class MetadataAddresses {

  /**
   * The metadata services: 169.254.169.254 (AWS, GCP, Azure, and most others) and AWS's IPv6 one.
   */
  static final List<String> RANGES = List.of("169.254.169.254/32", "fd00:ec2::254/128");

  private static final List<Cidr> METADATA = RANGES.stream().map(Cidr::parse).toList();

  private MetadataAddresses() {}

  /**
   * {@code rules} with the metadata addresses taken out of each: every ipBlock that holds one
   * excepts it, a rule open to every address (no {@code to}) becomes one open to every pod and to
   * every address but those, and a peer that is nothing but a metadata address is dropped (with its
   * rule when it was the rule's only peer, since a rule without peers would allow everything).
   *
   * @throws IllegalArgumentException when an ipBlock's cidr or exception is not a CIDR
   */
  static List<NetworkPolicyEgressRule> blockedIn(List<NetworkPolicyEgressRule> rules) {
    List<NetworkPolicyEgressRule> blocked = new ArrayList<>();
    for (NetworkPolicyEgressRule rule : rules) {
      List<NetworkPolicyPeer> to =
          rule.getTo() == null || rule.getTo().isEmpty()
              ? everywhereElse()
              : rule.getTo().stream().flatMap(peer -> blockedIn(peer).stream()).toList();
      if (!to.isEmpty()) {
        blocked.add(new NetworkPolicyEgressRuleBuilder(rule).withTo(to).build());
      }
    }
    return blocked;
  }

  /** Every pod of every namespace, and every address of both families but the metadata ones. */
  private static List<NetworkPolicyPeer> everywhereElse() {
    List<NetworkPolicyPeer> peers = new ArrayList<>();
    // No pod has a metadata address, so selectors need no exception; they keep pod traffic
    // allowed on plugins whose ipBlocks apply to addresses outside the cluster only.
    peers.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(new LabelSelector()).build());
    for (String all : List.of("0.0.0.0/0", "::/0")) {
      peers.add(
          blockedIn(
                  new NetworkPolicyPeerBuilder()
                      .withIpBlock(new IPBlockBuilder().withCidr(all).build())
                      .build())
              .orElseThrow());
    }
    return peers;
  }

  private static Optional<NetworkPolicyPeer> blockedIn(NetworkPolicyPeer peer) {
    if (peer.getIpBlock() == null) {
      return Optional.of(peer); // pod and namespace selectors only ever pick pods
    }
    Cidr block = Cidr.parse(peer.getIpBlock().getCidr());
    List<String> given =
        peer.getIpBlock().getExcept() == null ? List.of() : peer.getIpBlock().getExcept();
    List<Cidr> excepted = given.stream().map(Cidr::parse).toList();
    List<String> except = new ArrayList<>(given);
    for (int i = 0; i < METADATA.size(); i++) {
      Cidr metadata = METADATA.get(i);
      if (!block.contains(metadata)) {
        continue;
      }
      if (metadata.contains(block)) {
        // The block is the metadata address itself, and an exception must be smaller than its
        // block: nothing of it may stay.
        return Optional.empty();
      }
      if (excepted.stream().noneMatch(range -> range.contains(metadata))) {
        except.add(RANGES.get(i));
      }
    }
    if (except.size() == given.size()) {
      return Optional.of(peer); // unchanged, so an absent list stays absent
    }
    return Optional.of(
        new NetworkPolicyPeerBuilder(peer).editIpBlock().withExcept(except).endIpBlock().build());
  }
}
