package io.corral.hadoop.common;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.impl.pb.ContainerLaunchContextPBImpl;
import org.apache.hadoop.yarn.proto.YarnProtos.ContainerLaunchContextProto;

/**
 * What the AM sends the TaskTracker executor for one container (a Corral task's data): the
 * synthetic YARN container id, the job's user and YARN's own launch context (commands,
 * environment, local resources, tokens, the shuffle secret).
 */
public record ContainerSpec(String containerId, String user, ContainerLaunchContext launchContext) {
  private static final int VERSION = 1;

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      out.writeUTF(containerId);
      out.writeUTF(user);
      byte[] clc = ((ContainerLaunchContextPBImpl) launchContext).getProto().toByteArray();
      out.writeInt(clc.length);
      out.write(clc);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ContainerSpec fromBytes(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unknown container spec version " + version);
    }
    String containerId = in.readUTF();
    String user = in.readUTF();
    byte[] clc = new byte[in.readInt()];
    in.readFully(clc);
    return new ContainerSpec(containerId, user,
        new ContainerLaunchContextPBImpl(ContainerLaunchContextProto.parseFrom(clc)));
  }
}
