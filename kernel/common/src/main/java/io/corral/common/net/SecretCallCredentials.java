package io.corral.common.net;

import io.corral.common.security.BasicAuth;
import io.corral.common.security.ClientCredentials;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Sends a principal and its secret with every call, read from the secret file when the call
 * starts. Never over a connection without TLS: such a call fails instead.
 */
final class SecretCallCredentials extends CallCredentials {
  private final ClientCredentials credentials;

  SecretCallCredentials(ClientCredentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor appExecutor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("a secret is only sent over TLS"));
      return;
    }
    try {
      Metadata m = new Metadata();
      m.put(AuthInterceptor.AUTHORIZATION, BasicAuth.header(credentials.principal(), credentials.secret()));
      applier.apply(m);
    } catch (IOException | RuntimeException e) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("cannot read the secret: " + e.getMessage()));
    }
  }
}
