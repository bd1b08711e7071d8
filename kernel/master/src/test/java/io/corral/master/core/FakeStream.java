package io.corral.master.core;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** The client side of a stream as the master sees it: records what the master sends. */
final class FakeStream<E> extends ServerCallStreamObserver<E> {
  final List<E> sent = new CopyOnWriteArrayList<>();
  volatile boolean completed;

  /** The first event sent so far that matches {@code p}; fails the test when none does. */
  E first(Predicate<E> p) {
    return sent.stream().filter(p).findFirst()
        .orElseThrow(() -> new AssertionError("no such event among the " + sent.size() + " sent: " + sent));
  }

  /** Every event sent so far that matches {@code p}, in order. */
  List<E> all(Predicate<E> p) {
    return sent.stream().filter(p).toList();
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
