package io.corral.frameworks.common.store;

import io.corral.frameworks.common.store.StateStoreException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * A {@link StateStore} in ZooKeeper, under a root node such as {@code /corral-services/state}: one
 * persistent node per key ({@code apps/eng/web} is {@code <root>/apps/eng/web}), its data a format
 * byte and the value; a node without data only holds keys below it, and goes when they do.
 *
 * <p>Every change is one ZooKeeper transaction ({@code multi}) that first checks the writer's
 * {@link Fence}: the election node of the instance that leads. Once its session ended, no write of
 * it lands, however late it arrives; and while its lease has lapsed it does not even try.
 */
public final class ZkStateStore implements StateStore {
  /** The first byte of every value's node: the format, so that a later one can be told apart. */
  private static final byte FORMAT = 1;
  private static final byte[] NO_DATA = new byte[0];

  private final CuratorFramework client;
  private final String root;
  private final Fence fence;

  /**
   * @param client connected (or connecting) to ZooKeeper; not closed by {@link #close}
   * @param root the node under which the keys are, made when the first key is put
   */
  public ZkStateStore(CuratorFramework client, String root, Fence fence) {
    if (!root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException("a ZooKeeper path such as /corral-services/state, not " + root);
    }
    this.client = client;
    this.root = root;
    this.fence = fence;
  }

  private String path(String key) {
    return key.isEmpty() ? root : root + "/" + String.join("/", Keys.encoded(key));
  }

  @Override
  public Optional<Entry> get(String key) throws StateStoreException {
    Stat stat = new Stat();
    byte[] data;
    try {
      data = client.getData().storingStatIn(stat).forPath(path(Keys.check(key)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (Exception e) {
      throw failed("read " + key, e);
    }
    if (data == null || data.length == 0) {
      return Optional.empty(); // a node that only holds keys below it
    }
    if (data[0] != FORMAT) {
      throw new StateStoreException(Reason.FAILED, key + " in " + where() + " is in a format this version cannot read ("
          + data[0] + "): was it written by a newer one?");
    }
    return Optional.of(new Entry(Arrays.copyOfRange(data, 1, data.length), stat.getVersion()));
  }

  @Override
  public List<String> children(String key) throws StateStoreException {
    List<String> names;
    try {
      names = client.getChildren().forPath(path(key.isEmpty() ? key : Keys.check(key)));
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (Exception e) {
      throw failed("list " + (key.isEmpty() ? "the top" : key), e);
    }
    return names.stream().map(Keys::decode).sorted().toList();
  }

  @Override
  public int put(String key, byte[] value, int expectedVersion) throws StateStoreException {
    Transaction.Put put = new Transaction.Put(key, value, expectedVersion);
    Sizes.checkValue(key, value);
    Plan plan = new Plan();
    int index = plan.put(put);
    CuratorTransactionResult result = run(plan).get(index);
    return result.getResultStat() == null ? 0 : result.getResultStat().getVersion();
  }

  @Override
  public void commit(Transaction transaction) throws StateStoreException {
    if (transaction.isEmpty()) {
      return;
    }
    Sizes.check(transaction);
    Plan plan = new Plan();
    for (Transaction.Op op : transaction.ops()) {
      if (op instanceof Transaction.Put p) {
        plan.put(p);
      } else {
        plan.delete(op.key());
      }
    }
    run(plan);
    for (String deleted : plan.deleted) {
      prune(parentPath(deleted));
    }
  }

  /** The operations of one transaction, after the fence's check (which {@link #run} puts first). */
  private final class Plan {
    final List<CuratorOp> ops = new ArrayList<>();
    final Set<String> creating = new LinkedHashSet<>();
    final List<String> deleted = new ArrayList<>();

    /** Adds a put (and the nodes above it that are missing); returns its index among the results. */
    int put(Transaction.Put p) throws StateStoreException {
      String path = path(p.key());
      byte[] data = new byte[p.value().length + 1];
      data[0] = FORMAT;
      System.arraycopy(p.value(), 0, data, 1, p.value().length);
      Stat stat = exists(path);
      boolean hasValue = stat != null && stat.getDataLength() > 0;
      int expected = p.expectedVersion();
      if (expected == ABSENT && hasValue) {
        throw new StateStoreException(Reason.CONFLICT, p.key() + " already has a value (version " + stat.getVersion()
            + ")");
      }
      if (expected >= 0 && (!hasValue || stat.getVersion() != expected)) {
        throw new StateStoreException(Reason.CONFLICT, p.key() + " is at " + (hasValue ? "version "
            + stat.getVersion() : "no version (it has no value)") + ", not " + expected);
      }
      try {
        if (stat != null) {
          ops.add(client.transactionOp().setData().withVersion(expected == ANY_VERSION ? -1 : stat.getVersion())
              .forPath(path, data));
        } else {
          createParents(parentPath(path));
          ops.add(client.transactionOp().create().forPath(path, data));
        }
      } catch (Exception e) {
        throw failed("prepare a write of " + p.key(), e);
      }
      return ops.size() - 1;
    }

    private void createParents(String path) throws Exception {
      List<String> missing = new ArrayList<>();
      for (String p = path; !p.isEmpty() && !creating.contains(p) && exists(p) == null; p = parentPath(p)) {
        missing.add(0, p);
      }
      for (String p : missing) {
        creating.add(p);
        ops.add(client.transactionOp().create().forPath(p, NO_DATA));
      }
    }

    /** Adds the deletes of {@code key}'s node and every node below it, deepest first. */
    void delete(String key) throws StateStoreException {
      String path = path(key);
      try {
        if (exists(path) != null) {
          deleteBelow(path);
          deleted.add(path);
        }
      } catch (StateStoreException e) {
        throw e;
      } catch (Exception e) {
        throw failed("prepare the delete of " + key, e);
      }
    }

    private void deleteBelow(String path) throws Exception {
      try {
        for (String child : client.getChildren().forPath(path)) {
          deleteBelow(path + "/" + child);
        }
      } catch (KeeperException.NoNodeException e) {
        return;
      }
      ops.add(client.transactionOp().delete().forPath(path));
    }
  }

  private Stat exists(String path) throws StateStoreException {
    try {
      return client.checkExists().forPath(path);
    } catch (Exception e) {
      throw failed("read " + path, e);
    }
  }

  /** Runs the plan's operations after the fence's check, in one transaction; the results of the plan's operations. */
  private List<CuratorTransactionResult> run(Plan plan) throws StateStoreException {
    if (plan.ops.isEmpty()) {
      return List.of();
    }
    if (!fence.holds()) {
      throw notLeading();
    }
    List<CuratorOp> ops = new ArrayList<>();
    Optional<String> node = fence.node();
    try {
      if (node.isPresent()) {
        ops.add(client.transactionOp().check().forPath(node.get()));
      }
      ops.addAll(plan.ops);
      List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
      return results.subList(results.size() - plan.ops.size(), results.size());
    } catch (KeeperException e) {
      throw refusal(e, node.isPresent());
    } catch (Exception e) {
      throw failed("write", e);
    }
  }

  /** What a failed transaction means: the fence's check failed, the data changed meanwhile, or ZooKeeper failed. */
  private StateStoreException refusal(KeeperException e, boolean fenced) {
    List<OpResult> results = e.getResults();
    if (fenced && results != null && !results.isEmpty() && results.get(0) instanceof OpResult.ErrorResult first
        && first.getErr() == KeeperException.Code.NONODE.intValue()) {
      return notLeading();
    }
    return switch (e.code()) {
      case BADVERSION, NODEEXISTS, NONODE, NOTEMPTY -> new StateStoreException(Reason.CONFLICT,
          "the state in " + where() + " changed while it was being written (" + e.code() + "); nothing was written", e);
      default -> failed("write", e);
    };
  }

  /** Deletes the nodes above a deleted one that hold no value and nothing else any more (best effort). */
  private void prune(String path) {
    try {
      for (String p = path; p.length() > root.length(); p = parentPath(p)) {
        Stat stat = client.checkExists().forPath(p);
        if (stat == null || stat.getDataLength() > 0 || stat.getNumChildren() > 0) {
          return;
        }
        Plan plan = new Plan();
        plan.ops.add(client.transactionOp().delete().withVersion(stat.getVersion()).forPath(p));
        run(plan);
      }
    } catch (Exception e) {
      // left as it is: a node without data or children below it, listed by nobody's children() but ZooKeeper's
    }
  }

  private static String parentPath(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "" : path.substring(0, slash);
  }

  private StateStoreException notLeading() {
    return new StateStoreException(Reason.NOT_LEADING, "this instance does not lead (or its ZooKeeper session is "
        + "not confirmed): it may not change the state in " + where());
  }

  private StateStoreException failed(String what, Exception e) {
    return new StateStoreException(Reason.FAILED, "could not " + what + " in " + where() + ": "
        + (e instanceof KeeperException k ? k.code().toString() : e.toString()), e);
  }

  @Override
  public String where() {
    return "ZooKeeper " + client.getZookeeperClient().getCurrentConnectionString() + root;
  }

  @Override
  public void close() {
    // the client is the caller's
  }
}
