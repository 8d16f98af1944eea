package dev.bastion.gateway.it;

import dev.bastion.api.v1.ExecEvent;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records an Exec stream's events with the time each arrived. */
final class ExecRecorder implements StreamObserver<ExecEvent> {

  record Arrival(long nanos, ExecEvent event) {}

  final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> done = new CompletableFuture<>();

  @Override
  public void onNext(ExecEvent event) {
    arrivals.add(new Arrival(System.nanoTime(), event));
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    done.complete(null);
  }

  ExecRecorder await(int seconds) throws Exception {
    done.get(seconds, TimeUnit.SECONDS);
    return this;
  }

  List<ExecEvent> events() {
    return arrivals.stream().map(Arrival::event).toList();
  }

  String stdout() {
    StringBuilder out = new StringBuilder();
    events().stream()
        .filter(ExecEvent::hasStdout)
        .forEach(e -> out.append(e.getStdout().toStringUtf8()));
    return out.toString();
  }

  ExecEvent last() {
    return arrivals.get(arrivals.size() - 1).event();
  }
}
