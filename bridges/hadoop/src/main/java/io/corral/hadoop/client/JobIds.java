package io.corral.hadoop.client;

import io.corral.hadoop.common.CorralMr;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.mapreduce.JobID;

/**
 * Hands out job ids no other client has: YARN's ResourceManager numbers jobs for all its clients,
 * Corral has no such counter, so each id is claimed by creating a file under the user's staging
 * area that only one creator can make (HDFS creates without overwrite atomically: a second
 * creator is told the file exists or, while the first still writes it, that it is being created).
 * Two clients started in the same millisecond thus get different ids, and neither cleans up the
 * other's files.
 */
final class JobIds {
  /** Ids tried before giving up; each attempt after a lost race takes the next sequence number. */
  static final int ATTEMPTS = 1000;
  static final String CLAIM_FILE = "claimed";

  private final Configuration conf;
  private final String user;
  private final LongSupplier clock;
  private final AtomicInteger sequence;

  JobIds(Configuration conf, String user, LongSupplier clock, AtomicInteger sequence) {
    this.conf = conf;
    this.user = user;
    this.clock = clock;
    this.sequence = sequence;
  }

  /** A fresh id (numeric cluster timestamp, as ShuffleHandler parses it), claimed for this client. */
  JobID next() throws IOException {
    String timestamp = Long.toString(clock.getAsLong());
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      JobID id = new JobID(timestamp, sequence.incrementAndGet());
      Path claim = new Path(CorralMr.jobInfoDir(conf, user, id), CLAIM_FILE);
      FileSystem fs = claim.getFileSystem(conf);
      try {
        fs.create(claim, false).close();
        return id;
      } catch (FileAlreadyExistsException taken) {
        // another client has it: try the next number
      } catch (RemoteException e) {
        // another client is creating it right now (HDFS names that a lease conflict)
        if (!(e.unwrapRemoteException(AlreadyBeingCreatedException.class)
            instanceof AlreadyBeingCreatedException)) {
          throw e;
        }
      }
    }
    throw new IOException("could not claim a job id under " + CorralMr.jobInfoDir(conf, user,
        new JobID(timestamp, 0)).getParent() + " after " + ATTEMPTS + " attempts");
  }
}
