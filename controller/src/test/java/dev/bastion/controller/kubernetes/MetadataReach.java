package dev.bastion.controller.kubernetes;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Test oracle: whether an ipBlock lets a pod reach a cloud metadata address. Its own arithmetic
 * (big integers), not the controller's, so that a bug there cannot hide itself.
 */
public final class MetadataReach {

  /** The metadata endpoints every shipped or managed policy must keep out of reach. */
  public static final List<String> ADDRESSES = List.of("169.254.169.254", "fd00:ec2::254");

  private MetadataReach() {}

  /** The metadata addresses that {@code cidr} minus {@code except} still holds. */
  public static List<String> reachable(String cidr, List<String> except) {
    List<String> exceptions = except == null ? List.of() : except;
    return ADDRESSES.stream()
        .filter(address -> holds(cidr, address))
        .filter(address -> exceptions.stream().noneMatch(range -> holds(range, address)))
        .toList();
  }

  private static boolean holds(String cidr, String address) {
    String[] parts = cidr.split("/");
    byte[] network = bytes(parts[0]);
    byte[] candidate = bytes(address);
    if (network.length != candidate.length) {
      return false;
    }
    int hostBits = network.length * 8 - Integer.parseInt(parts[1]);
    return new BigInteger(1, network)
        .shiftRight(hostBits)
        .equals(new BigInteger(1, candidate).shiftRight(hostBits));
  }

  private static byte[] bytes(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // literals only, in tests
    } catch (UnknownHostException e) {
      throw new AssertionError(literal, e);
    }
  }
}
