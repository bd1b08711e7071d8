package io.corral.master.core;

import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The client side of a stream as the master sees it: records what the master sends. */
final class FakeStream<E> extends ServerCallStreamObserver<E> {
  final List<E> sent = new CopyOnWriteArrayList<>();
  volatile boolean completed;

  /** Waits for an event matching {@code p} (among all sent so far) and returns it. */
  E await(Predicate<E> p, Duration within) {
    Awaitility.await().atMost(within).until(() -> sent.stream().anyMatch(p));
    return sent.stream().filter(p).findFirst().orElseThrow();
  }

  boolean any(Predicate<E> p) {
    return sent.stream().anyMatch(p);
  }

  @Override
  public void onNext(E value) {
    sent.add(value);
  }

  @Override
  public void onError(Throwable t) {
    completed = true;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable r) { }

  @Override
  public void setCompression(String c) { }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnReadyHandler(Runnable r) { }

  @Override
  public void disableAutoInboundFlowControl() { }

  @Override
  public void request(int n) { }

  @Override
  public void setMessageCompression(boolean b) { }
}
