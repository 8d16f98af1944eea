package dev.bastion.sandboxd;

import java.util.concurrent.Semaphore;

/**
 * Backpressure between a process's pipe readers and the client that owns it.
 *
 * <p>A reader takes a credit before handing a chunk to the event loop, so at most a few chunks are
 * ever queued there. The event loop gives the credit back once the chunk is written, unless the
 * owner's gRPC write queue is full: then credits are held until the owner drains. With no credits
 * left the readers stop reading, the pipe fills and the process blocks on its own write, instead of
 * sandboxd buffering without bound.
 */
final class OutputGate {

  private final Semaphore credits;
  // Only touched on the event loop.
  private int held;

  OutputGate(int chunksInFlight) {
    this.credits = new Semaphore(chunksInFlight);
  }

  /** Called by a reader thread before handing over a chunk; blocks while the client is behind. */
  void acquire() throws InterruptedException {
    credits.acquire();
  }

  /** Called on the event loop after a chunk went out; holds the credit if the owner is full. */
  void delivered(boolean ownerFull) {
    if (ownerFull) {
      held++;
    } else {
      credits.release();
    }
  }

  /** Called on the event loop when the owner drained, or went away, releasing held credits. */
  void drained() {
    credits.release(held);
    held = 0;
  }
}
