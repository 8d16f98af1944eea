package dev.bastion.controller.model;

import java.util.regex.Pattern;

/** Kubernetes name and label syntax, so what Bastion accepts is valid on a cluster too. */
public final class KubernetesNames {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /** How a DNS label is written, for messages. */
  public static final String DNS_LABEL_RULE =
      "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit";

  /** How a label or annotation key is written, for messages. */
  public static final String KEY_RULE =
      "use [prefix/]name: a name of at most 63 letters, digits, '-', '_' and '.', starting and"
          + " ending with a letter or digit, and an optional DNS subdomain prefix of at most 253";

  /** How a label value is written, for messages. */
  public static final String VALUE_RULE =
      "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or"
          + " digit, or nothing";

  private KubernetesNames() {}

  /** An RFC 1123 label: what object, namespace and volume names are here. */
  public static boolean isDnsLabel(String name) {
    return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
  }

  /** An RFC 1123 subdomain: dot-separated labels, at most 253 characters. */
  public static boolean isDnsSubdomain(String name) {
    return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /** A label or annotation key: {@code [prefix/]name}. */
  public static boolean isQualifiedName(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0 && !isDnsSubdomain(key.substring(0, slash))) {
      return false;
    }
    return name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
  }

  /** A label value: empty, or at most 63 characters of the key name alphabet. */
  public static boolean isLabelValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && QUALIFIED_NAME.matcher(value).matches());
  }
}
