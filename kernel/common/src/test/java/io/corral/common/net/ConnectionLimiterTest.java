package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One address gets so many live connections; the calls of the ones beyond end with RESOURCE_EXHAUSTED
 * while the others are open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimiterTest {
  private static Attributes connectionFrom(String ip, int port) throws Exception {
    return Attributes.newBuilder().set(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR,
        new InetSocketAddress(InetAddress.getByName(ip), port)).build();
  }

  @Test
  void aConnectionRefusedOverTheLimitIsServedOnceEnoughOthersClose() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(2);
    Attributes a = limiter.transportReady(connectionFrom("10.0.0.1", 1));
    Attributes b = limiter.transportReady(connectionFrom("10.0.0.1", 2));
    Attributes c = limiter.transportReady(connectionFrom("10.0.0.1", 3));
    Attributes other = limiter.transportReady(connectionFrom("10.0.0.2", 1));
    assertThat(limiter.admits(a)).isTrue();
    assertThat(limiter.admits(b)).isTrue();
    assertThat(limiter.admits(c)).isFalse();
    assertThat(limiter.admits(other)).as("another address has its own count").isTrue();
    assertThat(limiter.admits(c)).as("still three open").isFalse();

    limiter.transportTerminated(a);
    assertThat(limiter.open(InetAddress.getByName("10.0.0.1"))).isEqualTo(2);
    assertThat(limiter.admits(c)).as("two open now, itself included").isTrue();
    Attributes d = limiter.transportReady(connectionFrom("10.0.0.1", 4));
    assertThat(limiter.admits(d)).as("a newcomer beyond the limit").isFalse();
    assertThat(limiter.admits(c)).as("once served, always served").isTrue();
    assertThat(limiter.admits(b)).isTrue();

    limiter.transportTerminated(b);
    limiter.transportTerminated(c);
    limiter.transportTerminated(d);
    limiter.transportTerminated(other);
    assertThat(limiter.open(InetAddress.getByName("10.0.0.1"))).isZero();
    assertThat(limiter.open(InetAddress.getByName("10.0.0.2"))).isZero();
  }

  @Test
  void aConnectionClosedBeforeItsHandshakeIsNoError() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(1);
    limiter.transportTerminated(null); // what gRPC passes for a connection that never got ready
    limiter.transportTerminated(Attributes.EMPTY);
    Attributes a = limiter.transportReady(connectionFrom("10.0.0.1", 1));
    assertThat(limiter.admits(a)).isTrue();
    assertThat(limiter.open(InetAddress.getByName("10.0.0.1"))).isEqualTo(1);
  }

  private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Echo")
      .setRequestMarshaller(DecodeGuard.RAW_BYTES).setResponseMarshaller(DecodeGuard.RAW_BYTES).build();

  private static byte[] call(ManagedChannel ch) {
    return ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        new byte[] {7});
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedUntilOthersClose() throws Exception {
    ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(req);
          out.onCompleted();
        })).build();
    Server server = Grpc.startServer("127.0.0.1", 0, 1 << 20, List.of(echo), null, 2);
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      HostPort target = new HostPort("127.0.0.1", server.getPort());
      for (int i = 0; i < 3; i++) {
        channels.add(Grpc.channel(target, 1 << 20));
      }
      assertThat(call(channels.get(0))).containsExactly(7);
      assertThat(call(channels.get(1))).containsExactly(7);
      assertThatThrownBy(() -> call(channels.get(2))).isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
          .hasMessageContaining("too many connections");
      Grpc.shutdown(channels.get(0));
      // The refused connection itself is served once the others are within the limit.
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> call(channels.get(2)).length == 1);
      Grpc.shutdown(channels.get(2));
      ManagedChannel again = Grpc.channel(target, 1 << 20);
      channels.add(again);
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> call(again).length == 1);
    } finally {
      channels.forEach(Grpc::shutdown);
      Grpc.shutdown(server);
    }
  }
}
