package io.corral.hadoop.am;

import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.common.FinalStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.TypeConverter;
import org.apache.hadoop.mapreduce.v2.app.AppContext;
import org.apache.hadoop.mapreduce.v2.app.client.ClientService;
import org.apache.hadoop.mapreduce.v2.app.MRAppMaster;
import org.apache.hadoop.mapreduce.v2.app.job.Job;
import org.apache.hadoop.mapreduce.v2.app.rm.ContainerAllocator;
import org.apache.hadoop.mapreduce.v2.app.rm.ContainerAllocatorEvent;
import org.apache.hadoop.mapreduce.v2.app.rm.ContainerRequestEvent;
import org.apache.hadoop.mapreduce.v2.app.rm.RMHeartbeatHandler;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.AMPreemptionPolicy;
import org.apache.hadoop.service.AbstractService;
import org.apache.hadoop.yarn.api.records.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where MRAppMaster asks for containers (RMContainerAllocator's place): requests go to the job's
 * Corral framework. Registering and unregistering with the "RM" become: subscribe, publish the
 * AM's address, and at the end write the final status and release the executors. As
 * RMContainerAllocator hands the RM's preemption requests to the job's AMPreemptionPolicy, the
 * framework hands it the master's preemption notices ({@link AmPreemption}).
 */
final class CorralContainerAllocator extends AbstractService implements ContainerAllocator, RMHeartbeatHandler {
  private static final Logger LOG = LoggerFactory.getLogger(CorralContainerAllocator.class);

  private final JobFramework framework;
  private final ClientService clientService;
  private final AppContext context;
  /** The job's policy, which MRAppMaster creates after its allocator (before starting it). */
  private final Supplier<AMPreemptionPolicy> preemptionPolicy;
  private Job job;
  /** The job's page on the AM's web UI ("" without one), as published. */
  private String trackingUrl = "";

  CorralContainerAllocator(JobFramework framework, ClientService clientService, AppContext context,
      Supplier<AMPreemptionPolicy> preemptionPolicy) {
    super(CorralContainerAllocator.class.getName());
    this.framework = framework;
    this.clientService = clientService;
    this.context = context;
    this.preemptionPolicy = preemptionPolicy;
  }

  @Override
  protected void serviceStart() throws Exception {
    JobID id = TypeConverter.fromYarn(context.getApplicationID());
    job = context.getJob(TypeConverter.toYarn(id));
    // Corral has no per-container maximum; the offers decide what fits.
    context.getClusterInfo().setMaxContainerCapability(Resource.newInstance(Integer.MAX_VALUE, Integer.MAX_VALUE));
    framework.start(job, getConfig(), Objects.requireNonNull(preemptionPolicy.get(), "no preemption policy"));
    publishAddress(id);
    super.serviceStart();
  }

  /**
   * Publishes where clients find the AM: its MRClientProtocol address on the first line and, when
   * the AM's web UI runs, the job's page there (the tracking URL) on the second.
   */
  private void publishAddress(JobID id) throws Exception {
    InetSocketAddress addr = clientService.getBindAddress();
    String trackingUrl = "";
    try {
      int httpPort = clientService.getHttpPort();
      if (httpPort > 0) {
        trackingUrl = "http://" + addr.getHostName() + ":" + httpPort + "/mapreduce/job/" + id;
      }
    } catch (RuntimeException e) { // the web UI did not start (MRClientService logs why)
      LOG.warn("the AM's web UI is not running; the job has no tracking URL: {}", e.toString());
    }
    Path file = CorralMr.amAddressFile(getConfig(), user(), id);
    FileSystem fs = file.getFileSystem(getConfig());
    Path tmp = file.suffix(".tmp"); // clients never read a half-written address
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      out.write((addr.getHostName() + ":" + addr.getPort() + "\n" + trackingUrl + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    if (!fs.rename(tmp, file)) {
      throw new java.io.IOException("cannot rename " + tmp + " to " + file);
    }
    this.trackingUrl = trackingUrl;
    LOG.info("MRClientProtocol at {}:{}, web UI at {} (published in {})", addr.getHostName(), addr.getPort(),
        trackingUrl.isEmpty() ? "(none)" : trackingUrl, file);
  }

  private String user() {
    return getConfig().get(MRJobConfig.USER_NAME);
  }

  @Override
  protected void serviceStop() throws Exception {
    if (job != null) {
      // What RMCommunicator does once the RM accepted its unregistration: from now on the job
      // reports its final state.
      ((MRAppMaster.RunningAppContext) context).markSuccessfulUnregistration();
      try {
        JobID id = TypeConverter.fromYarn(job.getID());
        Path file = CorralMr.finalStatusFile(getConfig(), user(), id);
        // A JobStatus is written with its tracking URL, which must not be null.
        new FinalStatus(TypeConverter.fromYarn(job.getReport(), trackingUrl), job.getAllCounters())
            .write(file.getFileSystem(getConfig()), file);
        LOG.info("final status {} written to {}", job.getState(), file);
      } catch (Exception e) {
        LOG.error("cannot write the job's final status", e);
      }
      framework.releaseExecutors();
    }
    super.serviceStop();
  }

  @Override
  public void handle(ContainerAllocatorEvent event) {
    switch (event.getType()) {
      case CONTAINER_REQ -> framework.request(event.getAttemptID(), ((ContainerRequestEvent) event).getCapability());
      case CONTAINER_DEALLOCATE -> framework.deallocate(event.getAttemptID());
      case CONTAINER_FAILED -> {
        LOG.info("container of {} failed", event.getAttemptID());
        framework.containerFailed(event.getAttemptID());
      }
      default -> LOG.warn("unexpected allocator event {}", event.getType());
    }
  }

  @Override
  public long getLastHeartbeatTime() {
    return context.getClock().getTime(); // offers arrive continuously: never stale
  }

  @Override
  public void runOnNextHeartbeat(Runnable callback) {
    callback.run();
  }
}
