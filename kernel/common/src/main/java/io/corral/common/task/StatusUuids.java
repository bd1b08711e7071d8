package io.corral.common.task;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.UUID;

/** The 16-byte uuids that identify status updates for acknowledgement. */
public final class StatusUuids {
  private StatusUuids() {}

  public static ByteString random() {
    UUID u = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
        .putLong(u.getLeastSignificantBits()).array());
  }
}
