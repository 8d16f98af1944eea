package dev.bastion.controller.kubernetes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP range in CIDR notation, as a NetworkPolicy's ipBlock writes it. Only literal addresses are
 * read: nothing here ever resolves a name, so a hostile cidr cannot make the controller look one
 * up.
 */
final class Cidr {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  // A colon makes InetAddress read the text as an IPv6 literal or refuse it, never look it up.
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private static final int IPV4_BYTES = 4;
  private static final int IPV6_BYTES = 16;

  private final byte[] address;
  private final int prefix;

  private Cidr(byte[] address, int prefix) {
    this.address = address;
    this.prefix = prefix;
  }

  /**
   * Reads {@code text}, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}.
   *
   * @throws IllegalArgumentException when it is not an address, a slash and a prefix length that
   *     fits the address
   */
  static Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR (address/prefix): " + text);
    }
    byte[] address = address(text.substring(0, slash), text);
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR prefix length: " + text, e);
    }
    if (prefix < 0 || prefix > address.length * Byte.SIZE) {
      throw new IllegalArgumentException("prefix length out of range: " + text);
    }
    return new Cidr(address, prefix);
  }

  /** Whether every address of {@code other} lies in this range (same family, same leading bits). */
  boolean contains(Cidr other) {
    if (other.address.length != address.length || other.prefix < prefix) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      if (bitAt(address, bit) != bitAt(other.address, bit)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] address(String literal, String text) {
    var ipv4 = IPV4.matcher(literal);
    if (ipv4.matches()) {
      byte[] bytes = new byte[IPV4_BYTES];
      for (int i = 0; i < IPV4_BYTES; i++) {
        int octet = Integer.parseInt(ipv4.group(i + 1));
        if (octet > 255) {
          throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        bytes[i] = (byte) octet;
      }
      return bytes;
    }
    if (!IPV6.matcher(literal).matches()) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + text, e);
    }
    // InetAddress turns an IPv4-mapped literal (::ffff:a.b.c.d) into IPv4; written as IPv6, it is.
    return bytes.length == IPV6_BYTES ? bytes : mapped(bytes);
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] bytes = new byte[IPV6_BYTES];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, bytes, 12, IPV4_BYTES);
    return bytes;
  }

  private static int bitAt(byte[] bytes, int bit) {
    return (bytes[bit / Byte.SIZE] >> (Byte.SIZE - 1 - bit % Byte.SIZE)) & 1;
  }
}
