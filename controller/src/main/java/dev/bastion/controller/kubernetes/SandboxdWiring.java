package dev.bastion.controller.kubernetes;

/**
 * How the gateway reaches sandboxd inside a sandbox's pod: the port it listens on, where it reads
 * the token that callers must present, and the labels that find sandbox pods.
 */
public final class SandboxdWiring {

  /** The TCP port sandboxd listens on in every sandbox pod. */
  public static final int PORT = 7070;

  /** Name of that port on the pod's first container and on the headless Service. */
  public static final String PORT_NAME = "sandboxd";

  /**
   * Environment variable telling sandboxd where to listen; its value is {@link #LISTEN_ADDRESS}.
   */
  public static final String LISTEN_ENV = "SANDBOXD_LISTEN";

  /** All interfaces: the gateway connects over the pod network. */
  public static final String LISTEN_ADDRESS = "0.0.0.0:" + PORT;

  /** Directory the token Secret is mounted at, read-only. */
  public static final String TOKEN_DIR = "/var/run/bastion";

  /** Key of the token in the Secret, hence the file name under {@link #TOKEN_DIR}. */
  public static final String TOKEN_KEY = "token";

  /** Environment variable telling sandboxd where its token is; value {@link #TOKEN_FILE}. */
  public static final String TOKEN_FILE_ENV = "SANDBOXD_TOKEN_FILE";

  public static final String TOKEN_FILE = TOKEN_DIR + "/" + TOKEN_KEY;

  /** Name of the pod volume holding the token Secret. */
  public static final String TOKEN_VOLUME = "bastion-sandboxd-token";

  /** Label on every sandbox pod (value "true"), so policies and tools can select them all. */
  public static final String SANDBOX_LABEL = "bastion.dev/sandbox";

  /**
   * Label with the name of the template a sandbox pod was made from; its template's NetworkPolicy
   * selects on it. Left off when the name does not fit a label value (over 63 characters).
   */
  public static final String TEMPLATE_LABEL = "bastion.dev/template";

  private SandboxdWiring() {}

  /** The Secret holding the sandboxd token of sandbox {@code sandboxName}. */
  public static String secretName(String sandboxName) {
    return "sandboxd-" + sandboxName;
  }
}
