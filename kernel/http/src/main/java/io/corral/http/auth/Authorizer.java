package io.corral.http.auth;

import io.corral.http.ApiException;
import io.corral.http.Request;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks requests against the ACLs and logs every refusal (one WARN line with the caller, the
 * action and the object), so an operator can see what was refused and why.
 */
public final class Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);
  /** Everything allowed, nothing logged: security off. */
  public static final Authorizer PERMISSIVE = new Authorizer(Acls.PERMISSIVE);

  private final Acls acls;

  public Authorizer(Acls acls) {
    this.acls = acls;
  }

  /**
   * Empty when allowed; otherwise the refusal's message, already logged with {@code where} (the
   * request, the peer).
   */
  public Optional<String> check(Acls.Action action, String principal, String object, String where) {
    if (acls.allows(action, principal, object)) {
      return Optional.empty();
    }
    String message = acls.refusal(action, principal, object);
    LOG.warn("refused {}: {}", where, message);
    return Optional.of(message);
  }

  /**
   * An HTTP request's check: refuses (403, logged with the request and its peer) what the ACLs do
   * not allow {@code principal}.
   */
  public void require(Request request, String principal, Acls.Action action, String object) {
    String where = request + " from " + request.remote()
        + (principal != null && !principal.equals(request.principal()) ? " (through the master)" : "");
    check(action, principal, object, where).ifPresent(refusal -> {
      throw ApiException.forbidden(refusal);
    });
  }

  public boolean enabled() {
    return !acls.permissive();
  }

  public Acls acls() {
    return acls;
  }
}
