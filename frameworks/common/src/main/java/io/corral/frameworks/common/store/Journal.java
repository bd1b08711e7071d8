package io.corral.frameworks.common.store;

import io.corral.common.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A work dir's transaction in flight: its changes written whole (atomically, {@link AtomicFiles})
 * before any of them is made, and deleted once all are. A crash in between leaves it behind, and
 * the store makes its changes again when it opens (a put or a delete made twice is made once), so
 * a transaction lands whole or not at all.
 */
final class Journal {
  private static final int MAGIC = 0x434a0001; // "CJ", version 1
  private static final byte PUT = 1;
  private static final byte DELETE = 2;

  private Journal() {}

  static void write(Path file, List<Transaction.Op> ops) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(ops.size());
      for (Transaction.Op op : ops) {
        out.writeByte(op instanceof Transaction.Put ? PUT : DELETE);
        out.writeUTF(op.key());
        if (op instanceof Transaction.Put p) {
          out.writeInt(p.value().length);
          out.write(p.value());
        }
      }
    }
    AtomicFiles.write(file, bytes.toByteArray());
  }

  /** The changes of the transaction left behind; empty when there is none. */
  static List<Transaction.Op> read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Transaction.Op> ops = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not a transaction journal this version can read");
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        byte kind = in.readByte();
        String key = in.readUTF();
        if (kind == PUT) {
          byte[] value = new byte[in.readInt()];
          in.readFully(value);
          ops.add(new Transaction.Put(key, value, StateStore.ANY_VERSION));
        } else {
          ops.add(new Transaction.Delete(key));
        }
      }
    }
    return ops;
  }

  static void clear(Path file) throws IOException {
    AtomicFiles.delete(file);
  }
}
