package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gRPC server that cannot listen says why, in words a user acts on. */
class ListenFailureTest {

  @Test
  void aPortInUseSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> Grpc.startServer("127.0.0.1", port, 1024, List.of()))
          .isInstanceOf(BindException.class)
          .hasMessage("cannot listen on 127.0.0.1:" + port + ": the port is already in use");
    }
  }

  @Test
  void anAddressThisHostDoesNotHaveSaysSo() {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no host has it.
    assertThatThrownBy(() -> Grpc.startServer("192.0.2.1", 0, 1024, List.of()))
        .isInstanceOf(BindException.class)
        .hasMessage("cannot listen on 192.0.2.1:0: this host has no such address");
  }
}
