package io.corral.storm;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.storm.scheduler.ISupervisor;

/**
 * The Storm side of a Supervisor run by Corral: its id (Storm's supervisor id and assignment id)
 * is its Corral task's id, so that a restarted Nimbus matches the Supervisors Storm lists with
 * the tasks the master reconciles; its slots are the ports Corral gave its task
 * ({@code supervisor.slots.ports}).
 */
final class CorralISupervisor implements ISupervisor {
  private final String id;
  private volatile List<Integer> ports = List.of();

  CorralISupervisor(String id) {
    this.id = id;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void prepare(Map<String, Object> topoConf, String schedulerLocalDir) {
    Object p = topoConf.get("supervisor.slots.ports");
    if (p instanceof List<?> list) {
      ports = ((List<Object>) list).stream().map(o -> ((Number) o).intValue()).toList();
    }
  }

  @Override
  public String getSupervisorId() {
    return id;
  }

  @Override
  public String getAssignmentId() {
    return id;
  }

  @Override
  public Object getMetadata() {
    return ports;
  }

  @Override
  public boolean confirmAssigned(int port) {
    return ports.contains(port);
  }

  @Override
  public void killedWorker(int port) {}

  @Override
  public void assigned(Collection<Integer> ports) {}
}
