package io.corral.common.testing;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The client's side of a server stream as a daemon under test sees it, without gRPC: records what
 * the daemon sends and whether it ended the stream; always ready, never cancelled.
 */
public class RecordingServerStream<E> extends ServerCallStreamObserver<E> {
  /** What was sent, in order. */
  public final List<E> sent = new CopyOnWriteArrayList<>();
  /** Whether the daemon ended the stream (completed or failed it). */
  public volatile boolean completed;
  /** What the daemon failed the stream with, if it did. */
  public volatile Throwable error;

  /** The first event sent so far that matches {@code p}; fails the test when none does. */
  public E first(Predicate<E> p) {
    return sent.stream().filter(p).findFirst()
        .orElseThrow(() -> new AssertionError("no such event among the " + sent.size() + " sent: " + sent));
  }

  /** Every event sent so far that matches {@code p}, in order. */
  public List<E> all(Predicate<E> p) {
    return sent.stream().filter(p).toList();
  }

  public boolean any(Predicate<E> p) {
    return sent.stream().anyMatch(p);
  }

  @Override
  public void onNext(E value) {
    sent.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
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
