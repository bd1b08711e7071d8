package io.corral.common.net;

import io.corral.common.log.ThrottledWarning;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes requests itself, so that a message that does not parse ends its stream with
 * {@code INTERNAL: malformed <type>: <why>} and one log line, instead of gRPC's generic
 * {@code UNKNOWN: Application error processing RPC} and a stack trace. Other streams, and
 * the component, carry on. (Messages over the size limit are refused earlier by gRPC with
 * {@code RESOURCE_EXHAUSTED}.)
 */
public final class DecodeGuard {
  /** Passes messages through as their bytes (for decoding by hand, and for tests of bad input). */
  public static final MethodDescriptor.Marshaller<byte[]> RAW_BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("could not read a message: " + e.getMessage()).asRuntimeException();
      }
    }
  };
  private static final Logger LOG = LoggerFactory.getLogger(DecodeGuard.class);
  /** Anyone who reaches the port can make these repeat. */
  private static final ThrottledWarning MALFORMED = new ThrottledWarning(LOG);

  private DecodeGuard() {}

  /** The same service, with every method's requests decoded under guard. */
  public static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor sd = service.getServiceDescriptor();
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(sd.getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      out.addMethod(guardMethod(m));
    }
    return out.build();
  }

  private static <Q, A> ServerMethodDefinition<byte[], A> guardMethod(ServerMethodDefinition<Q, A> def) {
    MethodDescriptor<Q, A> original = def.getMethodDescriptor();
    MethodDescriptor<byte[], A> raw = original.toBuilder(RAW_BYTES, original.getResponseMarshaller()).build();
    ServerCallHandler<Q, A> handler = def.getServerCallHandler();
    ServerCallHandler<byte[], A> guarded = (call, headers) ->
        new GuardedListener<>(call, original, new TypedCall<>(call, original), handler, headers);
    return ServerMethodDefinition.create(raw, guarded);
  }

  /** Parses each request; a malformed one closes the call instead of reaching the service. */
  private static final class GuardedListener<Q, A> extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], A> call;
    private final MethodDescriptor<Q, A> method;
    private final TypedCall<Q, A> typed;
    private final ServerCall.Listener<Q> inner;
    private boolean failed;

    GuardedListener(ServerCall<byte[], A> call, MethodDescriptor<Q, A> method, TypedCall<Q, A> typed,
        ServerCallHandler<Q, A> handler, Metadata headers) {
      this.call = call;
      this.method = method;
      this.typed = typed;
      this.inner = handler.startCall(typed, headers);
    }

    @Override
    public void onMessage(byte[] bytes) {
      if (failed) {
        return;
      }
      Q request;
      try {
        request = method.parseRequest(new ByteArrayInputStream(bytes));
      } catch (RuntimeException e) {
        failed = true;
        String name = method.getFullMethodName();
        String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        MALFORMED.warn("closing a {} stream from {}: malformed message ({} bytes): {}", name,
            call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR), bytes.length, why);
        typed.close(Status.INTERNAL.withDescription("malformed message for " + name + ": " + why), new Metadata());
        inner.onCancel(); // the service sees its stream end, as when the peer goes away
        return;
      }
      inner.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!failed) {
        inner.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      inner.onCancel();
    }

    @Override
    public void onComplete() {
      inner.onComplete();
    }

    @Override
    public void onReady() {
      inner.onReady();
    }
  }

  /**
   * The typed view of a call whose requests arrive as bytes. Its outbound operations are
   * serialised: the guard may close the call from a transport thread while the service sends
   * from its own loop.
   */
  private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
    private final ServerCall<byte[], A> raw;
    private final MethodDescriptor<Q, A> method;

    TypedCall(ServerCall<byte[], A> raw, MethodDescriptor<Q, A> method) {
      this.raw = raw;
      this.method = method;
    }

    @Override
    public synchronized void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public synchronized void sendMessage(A message) {
      raw.sendMessage(message);
    }

    private boolean closed;

    /** Closes once: the service and the guard may both end the call (a bad message after a refusal). */
    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        raw.close(status, trailers);
      }
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public synchronized boolean isReady() {
      return raw.isReady();
    }

    @Override
    public synchronized void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public synchronized void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, A> getMethodDescriptor() {
      return method;
    }
  }
}
