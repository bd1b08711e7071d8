package io.corral.agent.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.corral.common.io.AtomicFiles;
import io.corral.protocol.AgentCheckpoint;
import io.corral.protocol.ExecutorCheckpoint;
import io.corral.protocol.FrameworkCheckpoint;
import io.corral.protocol.ReservationsCheckpoint;
import io.corral.protocol.TaskCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The agent's checkpoint under {@code <work-dir>/meta/}: one small protobuf file per agent,
 * framework, executor and task (a task's file holds its unacknowledged status updates, so a new
 * update rewrites one small file). Every write is atomic and durable ({@link AtomicFiles}).
 * Each file is a header (magic {@code CRPT}, payload length, CRC-32 of the payload) and the
 * protobuf payload, so that a truncated or damaged file is recognised as such. Blocking file I/O: called from the agent's loop, which must not go on (e.g. acknowledge an
 * executor's update) before the write returned.
 */
public final class CheckpointStore {
  private static final String SUFFIX = ".pb";

  private final Path meta;

  public CheckpointStore(Path meta) {
    this.meta = meta;
  }

  public static CheckpointStore under(Path workDir) {
    return new CheckpointStore(workDir.resolve("meta"));
  }

  public Path dir() {
    return meta;
  }

  /** Whether an agent was checkpointed here. */
  public boolean exists() {
    return Files.isRegularFile(agentFile());
  }

  public void writeAgent(AgentCheckpoint agent) {
    write(agentFile(), agent);
  }

  /** The agent's dynamic reservations, replacing the earlier ones. */
  public void writeReservations(ReservationsCheckpoint reservations) {
    write(reservationsFile(), reservations);
  }

  /**
   * The agent's dynamic reservations; none if never written.
   *
   * @throws CheckpointException when the file cannot be read or parsed
   */
  public ReservationsCheckpoint readReservations() {
    return Files.isRegularFile(reservationsFile()) ? parse(reservationsFile(), ReservationsCheckpoint.parser())
        : ReservationsCheckpoint.getDefaultInstance();
  }

  public void writeFramework(FrameworkCheckpoint framework) {
    write(meta.resolve("frameworks").resolve(name(framework.getFramework().getId())), framework);
  }

  public void deleteFramework(String frameworkId) {
    delete(meta.resolve("frameworks").resolve(name(frameworkId)));
  }

  public void writeExecutor(ExecutorCheckpoint executor) {
    write(executorFile(executor.getFrameworkId(), executor.getExecutorInfo().getExecutorId()), executor);
  }

  public void deleteExecutor(String frameworkId, String executorId) {
    delete(executorFile(frameworkId, executorId));
  }

  public void writeTask(TaskCheckpoint task) {
    write(taskFile(task.getFrameworkId(), task.getTaskInfo().getTaskId()), task);
  }

  /** Tasks' records, written together ({@link AtomicFiles#writeAll}: one round of syncs). */
  public void writeTasks(java.util.Collection<TaskCheckpoint> tasks) {
    java.util.Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
    for (TaskCheckpoint t : tasks) {
      files.put(taskFile(t.getFrameworkId(), t.getTaskInfo().getTaskId()), frame(t.toByteArray()));
    }
    try {
      AtomicFiles.writeAll(files);
    } catch (IOException e) {
      throw new CheckpointException("could not write " + tasks.size() + " task checkpoints: " + e.getMessage(), e);
    }
  }

  public void deleteTask(String frameworkId, String taskId) {
    delete(taskFile(frameworkId, taskId));
  }

  /**
   * Reads the whole checkpoint; empty when there is none. Leftover temp files are ignored.
   *
   * @throws CheckpointException when a file cannot be read or parsed (truncated, corrupt)
   */
  public Optional<CheckpointedState> read() {
    if (!exists()) {
      return Optional.empty();
    }
    AgentCheckpoint agent = parse(agentFile(), AgentCheckpoint.parser());
    List<FrameworkCheckpoint> frameworks = new ArrayList<>();
    for (Path p : files(meta.resolve("frameworks"))) {
      frameworks.add(parse(p, FrameworkCheckpoint.parser()));
    }
    List<ExecutorCheckpoint> executors = new ArrayList<>();
    for (Path p : files(meta.resolve("executors"))) {
      executors.add(parse(p, ExecutorCheckpoint.parser()));
    }
    List<TaskCheckpoint> tasks = new ArrayList<>();
    for (Path p : files(meta.resolve("tasks"))) {
      tasks.add(parse(p, TaskCheckpoint.parser()));
    }
    return Optional.of(new CheckpointedState(agent, frameworks, executors, tasks));
  }

  /** Removes the whole checkpoint (the agent file last goes first, so a crash midway leaves none). */
  public void wipe() {
    try {
      delete(agentFile());
      if (Files.exists(meta)) {
        try (Stream<Path> all = Files.walk(meta)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      throw new CheckpointException("could not remove the checkpoint " + meta + ": " + e.getMessage(), e);
    }
  }

  private Path reservationsFile() {
    return meta.resolve("reservations" + SUFFIX);
  }

  private Path agentFile() {
    return meta.resolve("agent" + SUFFIX);
  }

  private Path executorFile(String frameworkId, String executorId) {
    return meta.resolve("executors").resolve(encode(frameworkId)).resolve(name(executorId));
  }

  private Path taskFile(String frameworkId, String taskId) {
    return meta.resolve("tasks").resolve(encode(frameworkId)).resolve(name(taskId));
  }

  private static String name(String id) {
    return encode(id) + SUFFIX;
  }

  /** Ids may hold any character; file names get them URL-encoded ("/" is "%2F"). */
  static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  static String decode(String name) {
    return URLDecoder.decode(name, StandardCharsets.UTF_8);
  }

  private static void write(Path file, MessageLite message) {
    try {
      AtomicFiles.write(file, frame(message.toByteArray()));
    } catch (IOException e) {
      throw new CheckpointException("could not write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private static void delete(Path file) {
    try {
      AtomicFiles.delete(file);
    } catch (IOException e) {
      throw new CheckpointException("could not delete checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private static <T> T parse(Path file, Parser<T> parser) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CheckpointException("could not read checkpoint " + file + ": " + e.getMessage(), e);
    }
    try {
      return parser.parseFrom(unframe(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException("checkpoint " + file + " is corrupt (" + bytes.length + " bytes: "
          + e.getMessage() + "); remove the checkpoint directory (<work-dir>/meta) or start the agent"
          + " with --recover=cleanup", e);
    }
  }

  private static final int MAGIC = 0x43525054; // "CRPT"
  private static final int HEADER = 12;

  static byte[] frame(byte[] payload) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(payload);
    return java.nio.ByteBuffer.allocate(HEADER + payload.length).putInt(MAGIC).putInt(payload.length)
        .putInt((int) crc.getValue()).put(payload).array();
  }

  static byte[] unframe(byte[] bytes) throws InvalidProtocolBufferException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER || b.getInt() != MAGIC) {
      throw new InvalidProtocolBufferException("not a checkpoint file (no header)");
    }
    int length = b.getInt();
    int expected = b.getInt();
    if (length != bytes.length - HEADER) {
      throw new InvalidProtocolBufferException("truncated: header says " + length + " bytes of payload, found "
          + (bytes.length - HEADER));
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes, HEADER, length);
    if ((int) crc.getValue() != expected) {
      throw new InvalidProtocolBufferException("checksum mismatch");
    }
    return java.util.Arrays.copyOfRange(bytes, HEADER, bytes.length);
  }

  /** The {@code .pb} files under a directory, recursively, in a stable order; temp files skipped. */
  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(SUFFIX))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
