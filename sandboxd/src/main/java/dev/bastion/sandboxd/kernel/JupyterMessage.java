package dev.bastion.sandboxd.kernel;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One message of the Jupyter messaging protocol (version 5.3): its header, the header of the
 * message it answers, metadata and content. Binary buffers are not used by execute's replies and
 * are dropped.
 */
public record JupyterMessage(
    JsonObject header, JsonObject parentHeader, JsonObject metadata, JsonObject content) {

  static final String PROTOCOL_VERSION = "5.3";

  /** A new request of {@code msgType} from {@code session}. */
  public static JupyterMessage request(String session, String msgType, JsonObject content) {
    JsonObject header =
        new JsonObject()
            .put("msg_id", UUID.randomUUID().toString())
            .put("session", session)
            .put("username", "sandboxd")
            .put("date", Instant.now().toString())
            .put("msg_type", msgType)
            .put("version", PROTOCOL_VERSION);
    return new JupyterMessage(header, new JsonObject(), new JsonObject(), content);
  }

  public String msgType() {
    return header.getString("msg_type", "");
  }

  public String msgId() {
    return header.getString("msg_id", "");
  }

  /** The id of the request this message belongs to, or empty. */
  public String parentMsgId() {
    return parentHeader.getString("msg_id", "");
  }
}
