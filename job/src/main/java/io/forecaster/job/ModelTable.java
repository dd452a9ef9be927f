package io.forecaster.job;

import io.forecaster.connectors.ModelRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which model serves a key: the served version records' routes are tried from the highest {@code
 * priority} down (ties by model name), each matching by exact key, by key prefix, or by a regular
 * expression over the whole key; the first that matches names the model. A key no route matches
 * goes to the default model (a record with {@code default}; the highest priority, then the first
 * name, if several), else to none. Immutable: the inference operator makes a new table when a
 * record is accepted or retired.
 */
final class ModelTable {

    private final List<Route> routes;
    private final String defaultModel;

    private record Route(String name, Set<String> keys, String[] prefixes, Pattern regex) {

        boolean matches(String key) {
            if (keys.contains(key)) {
                return true;
            }
            for (String p : prefixes) {
                if (key.startsWith(p)) {
                    return true;
                }
            }
            return regex != null && regex.matcher(key).matches();
        }
    }

    private static final Comparator<ModelRecord> ORDER =
            Comparator.comparingInt(ModelRecord::priority)
                    .reversed()
                    .thenComparing(ModelRecord::name);

    ModelTable(Collection<ModelRecord> served) {
        List<ModelRecord> sorted = new ArrayList<>(served);
        sorted.sort(ORDER);
        List<Route> r = new ArrayList<>();
        String dflt = null;
        for (ModelRecord m : sorted) {
            if (m.hasRoutes()) {
                r.add(
                        new Route(
                                m.name(),
                                new HashSet<>(Arrays.asList(m.keys())),
                                m.prefixes(),
                                m.regex() == null ? null : Pattern.compile(m.regex())));
            }
            if (m.isDefault() && dflt == null) {
                dflt = m.name();
            }
        }
        this.routes = List.copyOf(r);
        this.defaultModel = dflt;
    }

    /** The name of the model that serves {@code key}, or null when none does. */
    String route(String key) {
        for (Route r : routes) {
            if (r.matches(key)) {
                return r.name();
            }
        }
        return defaultModel;
    }
}
