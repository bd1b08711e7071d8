package io.corral.hadoop.common;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobStatus;

/** A finished job's status and counters, as the AM leaves them for clients that ask later. */
public record FinalStatus(JobStatus status, Counters counters) {

  public void write(FileSystem fs, Path file) throws IOException {
    Path tmp = file.suffix(".tmp");
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      status.write(out);
      counters.write(out);
      // Not part of JobStatus's own form: the job's diagnostics.
      Text.writeString(out, status.getFailureInfo() == null ? "" : status.getFailureInfo());
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("cannot rename " + tmp + " to " + file);
    }
  }

  /** The final status, or null when there is none (yet). */
  public static FinalStatus read(FileSystem fs, Path file) throws IOException {
    if (!fs.exists(file)) {
      return null;
    }
    try (FSDataInputStream in = fs.open(file)) {
      Status status = new Status();
      status.readFields(in);
      Counters counters = new Counters();
      counters.readFields(in);
      if (in.available() > 0) {
        status.failureInfo(Text.readString(in));
      }
      return new FinalStatus(status, counters);
    }
  }

  /** A JobStatus whose failure info (the job's diagnostics) can be set after reading it. */
  private static final class Status extends JobStatus {
    void failureInfo(String info) {
      setFailureInfo(info);
    }
  }
}
