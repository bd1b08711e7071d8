package io.corral.services.engine;

import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the tasks apps wait for on a round of offers: per offer, as many tasks as fit, taking the
 * waiting apps in turn (one task each, round after round, so one large app does not starve the
 * others on an offer). A task fits an offer when the offer is for the app's role (its {@code role},
 * or the framework's), holds its cpus, mem and disk, holds the ports it needs
 * ({@link PortAssigner}), and its agent meets the app's constraints given where the app's tasks are,
 * those placed earlier in this round included ({@link ConstraintMatcher}). Pure.
 */
final class OfferMatcher {
  private static final Logger LOG = LoggerFactory.getLogger(OfferMatcher.class);

  private OfferMatcher() {}

  /** How many tasks of an app wait for offers. */
  record Demand(AppDefinition app, int count) {}

  /** One task placed on an offer: its host ports and the exact resources it takes. */
  record Placed(AppDefinition app, Offer offer, List<Integer> ports, Resources resources) {}

  /**
   * @param placed where each app's tasks are now (by app), for the constraints
   * @param frameworkRole the role of apps that name none
   * @return what was placed on each offer, by offer id, in the offers' order (empty for an offer
   *     nothing fits)
   */
  static Map<String, List<Placed>> match(List<Offer> offers, List<Demand> demands,
      Map<AppId, List<Placement>> placed, String frameworkRole) {
    Map<AppId, List<Placement>> where = new HashMap<>();
    placed.forEach((app, list) -> where.put(app, new ArrayList<>(list)));
    Map<AppId, Integer> left = new LinkedHashMap<>();
    for (Demand d : demands) {
      if (d.count() > 0) {
        left.put(d.app().id(), d.count());
      }
    }
    Map<String, List<Placed>> out = new LinkedHashMap<>();
    for (Offer offer : offers) {
      List<Placed> onOffer = new ArrayList<>();
      out.put(offer.getId(), onOffer);
      Resources free = resources(offer);
      if (free == null) {
        continue;
      }
      Placement agent = Placement.of(offer);
      boolean placedOne = true;
      while (placedOne) {
        placedOne = false;
        for (Demand d : demands) {
          AppDefinition app = d.app();
          if (left.getOrDefault(app.id(), 0) == 0 || !roleMatches(app, offer, frameworkRole)) {
            continue;
          }
          List<Placement> appTasks = where.computeIfAbsent(app.id(), a -> new ArrayList<>());
          if (!ConstraintMatcher.meetsAll(app.constraints(), agent, appTasks)) {
            continue;
          }
          Placed p = fit(app, offer, free);
          if (p == null) {
            continue;
          }
          onOffer.add(p);
          free = free.minus(p.resources());
          appTasks.add(agent);
          left.merge(app.id(), -1, Integer::sum);
          placedOne = true;
        }
      }
    }
    return out;
  }

  private static Placed fit(AppDefinition app, Offer offer, Resources free) {
    Resources scalars = TaskInfoFactory.scalars(app);
    if (!free.contains(scalars)) {
      return null;
    }
    List<Integer> ports = PortAssigner.assign(app.portDefinitions(), app.requirePorts(), free.ports());
    if (ports == null) {
      return null;
    }
    Resources need = ports.isEmpty() ? scalars
        : scalars.plus(Resources.builder().ports(PortAssigner.ranges(ports)).build());
    return new Placed(app, offer, ports, need);
  }

  static boolean roleMatches(AppDefinition app, Offer offer, String frameworkRole) {
    String role = app.role() != null && !app.role().isEmpty() ? app.role() : frameworkRole;
    return offer.getAllocationRole().isEmpty() || offer.getAllocationRole().equals(role);
  }

  private static Resources resources(Offer offer) {
    try {
      return Resources.fromProto(offer.getResourcesList());
    } catch (InvalidResourcesException e) {
      LOG.warn("offer {} from {} has invalid resources, declining it: {}", offer.getId(), offer.getHostname(),
          e.getMessage());
      return null;
    }
  }
}
