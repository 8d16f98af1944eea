package dev.bastion.sandboxd.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * sandboxd's side of one kernel's sockets (JeroMQ): shell and control to send requests on, iopub to
 * hear what cells produce. ZeroMQ sockets belong to one thread, so one thread of this client's own
 * does all their work; {@link #send} queues a message and wakes it through a pipe it polls beside
 * the sockets.
 */
public final class KernelClient implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KernelClient.class.getName());

  /** The most one message from the kernel may hold: its code is the agent's. */
  static final long MAX_MESSAGE_BYTES = 16L << 20;

  private static final int MAX_FRAMES = 64;

  /** The channels sandboxd uses. */
  public enum Channel {
    SHELL,
    IOPUB,
    CONTROL
  }

  /** Hears every signed message from the kernel, on the client's thread. */
  public interface Listener {
    void onMessage(Channel channel, JupyterMessage message);
  }

  private record Outgoing(Channel channel, JupyterMessage message) {}

  private final ZContext zmq = new ZContext(1);
  private final WireFrames frames;
  private final Listener listener;
  private final Queue<Outgoing> outgoing = new ConcurrentLinkedQueue<>();
  private final Pipe wake;
  private final Thread io;
  private volatile boolean closed;

  private KernelClient(ConnectionInfo info, Listener listener, String name) throws IOException {
    this.frames = new WireFrames(new MessageSigner(info.key()));
    this.listener = listener;
    this.wake = Pipe.open();
    wake.source().configureBlocking(false);
    ZMQ.Socket shell = socket(SocketType.DEALER, info.address(info.shell()));
    ZMQ.Socket control = socket(SocketType.DEALER, info.address(info.control()));
    ZMQ.Socket iopub = socket(SocketType.SUB, info.address(info.iopub()));
    iopub.subscribe(new byte[0]);
    this.io = new Thread(() -> serve(shell, iopub, control), "kernel-io-" + name);
    io.setDaemon(true);
    io.start();
  }

  /** Connects to a kernel's sockets; {@code listener} hears everything it sends. */
  public static KernelClient connect(ConnectionInfo info, Listener listener, String name)
      throws IOException {
    return new KernelClient(info, listener, name);
  }

  private ZMQ.Socket socket(SocketType type, String address) {
    ZMQ.Socket socket = zmq.createSocket(type);
    socket.setMaxMsgSize(MAX_MESSAGE_BYTES);
    socket.setLinger(0);
    socket.connect(address);
    return socket;
  }

  /** Sends {@code message} on {@code channel}; from any thread. */
  public void send(Channel channel, JupyterMessage message) {
    outgoing.add(new Outgoing(channel, message));
    try {
      wake.sink().write(ByteBuffer.wrap(new byte[] {1}));
    } catch (IOException e) {
      // Closed: the client is going, and with it the kernel.
    }
  }

  private void serve(ZMQ.Socket shell, ZMQ.Socket iopub, ZMQ.Socket control) {
    ZMQ.Poller poller = zmq.createPoller(4);
    int shellIndex = poller.register(shell, ZMQ.Poller.POLLIN);
    int iopubIndex = poller.register(iopub, ZMQ.Poller.POLLIN);
    int controlIndex = poller.register(control, ZMQ.Poller.POLLIN);
    int wakeIndex = poller.register(wake.source(), ZMQ.Poller.POLLIN);
    ByteBuffer drain = ByteBuffer.allocate(256);
    try {
      while (!closed) {
        if (poller.poll(1000) < 0) {
          break;
        }
        if (poller.pollin(wakeIndex)) {
          while (wake.source().read(drain.clear()) > 0) {
            // Emptied: one wake-up drains every queued message.
          }
          Outgoing next;
          while ((next = outgoing.poll()) != null) {
            ZMQ.Socket socket = next.channel() == Channel.CONTROL ? control : shell;
            List<byte[]> encoded = frames.encode(next.message());
            for (int i = 0; i < encoded.size(); i++) {
              socket.send(encoded.get(i), i < encoded.size() - 1 ? ZMQ.SNDMORE : 0);
            }
          }
        }
        receive(poller, shellIndex, shell, Channel.SHELL);
        receive(poller, iopubIndex, iopub, Channel.IOPUB);
        receive(poller, controlIndex, control, Channel.CONTROL);
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.log(Level.WARNING, "a kernel's sockets failed", e);
      }
    } finally {
      poller.close();
    }
  }

  private void receive(ZMQ.Poller poller, int index, ZMQ.Socket socket, Channel channel) {
    if (!poller.pollin(index)) {
      return;
    }
    while (true) {
      byte[] first = socket.recv(ZMQ.DONTWAIT);
      if (first == null) {
        return;
      }
      List<byte[]> message = new ArrayList<>();
      message.add(first);
      while (socket.hasReceiveMore()) {
        byte[] frame = socket.recv(0);
        if (message.size() < MAX_FRAMES) {
          message.add(frame);
        }
      }
      frames.decode(message).ifPresent(decoded -> listener.onMessage(channel, decoded));
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      wake.sink().close();
      io.join(2000);
      wake.source().close();
    } catch (IOException | InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      zmq.close();
    }
  }
}
