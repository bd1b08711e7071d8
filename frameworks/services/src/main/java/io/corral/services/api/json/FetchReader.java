package io.corral.services.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.services.app.FetchUri;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the sandbox fetches: {@code fetch} entries (extract defaults to true, as Marathon's; the
 * fetcher unpacks only archives) or the older {@code uris} list (extracted when the name ends like an
 * archive). Not both.
 */
final class FetchReader {
  private static final int MAX_URI = 1024;

  private FetchReader() {}

  static List<FetchUri> read(Fields app) {
    List<FetchUri> fetch = fetch(app);
    List<String> uris = app.strings("uris");
    if (uris != null && !uris.isEmpty() && fetch != null && !fetch.isEmpty()) {
      app.problems().invalid(app.pathOf("uris"), "may not be set in conjunction with fetch");
      return fetch;
    }
    if (fetch != null && !fetch.isEmpty()) {
      return fetch;
    }
    List<FetchUri> out = new ArrayList<>();
    for (int i = 0; uris != null && i < uris.size(); i++) {
      if (valid(uris.get(i), app.pathOf("uris") + "(" + i + ")", app.problems())) {
        out.add(FetchUri.ofLegacyUri(uris.get(i)));
      }
    }
    return out;
  }

  private static List<FetchUri> fetch(Fields app) {
    List<JsonNode> items = app.array("fetch");
    if (items == null) {
      return null;
    }
    List<FetchUri> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Fields f = Fields.of(items.get(i), app.pathOf("fetch") + "(" + i + ")", app.problems());
      if (f == null) {
        continue;
      }
      String uri = f.string("uri");
      Boolean extract = f.bool("extract");
      Boolean executable = f.bool("executable");
      Boolean cache = f.bool("cache");
      String destPath = f.string("destPath");
      f.ignoreUnread();
      if (uri == null) {
        if (!f.has("uri")) {
          f.problems().malformed(f.pathOf("uri"), "error.path.missing");
        }
        continue;
      }
      if (valid(uri, f.pathOf("uri"), f.problems())) {
        out.add(new FetchUri(uri, extract == null || extract, executable != null && executable,
            cache != null && cache, destPath));
      }
    }
    return out;
  }

  private static boolean valid(String uri, String at, Problems problems) {
    if (uri.isEmpty()) {
      problems.malformed(at, "error.minLength");
      return false;
    }
    if (uri.length() > MAX_URI) {
      problems.malformed(at, "error.maxLength");
      return false;
    }
    try {
      new URI(uri);
      return true;
    } catch (URISyntaxException e) {
      problems.invalid(at, "URI has invalid syntax.");
      return false;
    }
  }
}
