package dev.rowcast.agent.hibernate;

import dev.rowcast.config.CollectionConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to say of the {@code entity:} collections that the hooked SessionFactories do not map: a
 * misspelt name would otherwise leave its collection silent. The factories found together (those
 * the app built before capture started) are judged together, so an app with two factories hears
 * nothing of an entity the second maps. A factory built later that maps an entity already said to
 * be unmapped gets a line that takes the warning back.
 */
final class UnmappedEntities {

    /** What one factory maps: the slugs of the collections it feeds, and its entities' names. */
    record Mapped(String factory, Set<String> slugs, List<String> entityNames) {}

    /** A line to log: a warning, or the information that takes one back. */
    record Line(boolean warning, String text) {}

    private static final int NAMES_SHOWN = 20;

    private final Collection<CollectionConfig> collections;
    private final Set<String> mappedAnywhere = new HashSet<>();
    private final Set<String> warned = new HashSet<>();
    private final Set<String> takenBack = new HashSet<>();

    UnmappedEntities(Collection<CollectionConfig> collections) {
        this.collections = collections;
    }

    /**
     * These factories were hooked together: the lines to log, each said once per collection. One
     * call at a time: the registry's factories, on the agent's thread, and one an app thread builds
     * meanwhile must each see what the other found.
     */
    synchronized List<Line> hooked(List<Mapped> found) {
        List<Line> lines = new ArrayList<>();
        if (found.isEmpty()) {
            return lines;
        }
        found.forEach(mapped -> mappedAnywhere.addAll(mapped.slugs()));
        for (CollectionConfig collection : collections) {
            if (collection.entity().isEmpty()) {
                continue;
            }
            String slug = collection.slug();
            String entity = collection.entity().get();
            if (!mappedAnywhere.contains(slug)) {
                if (warned.add(slug)) {
                    lines.add(new Line(true, "collection " + slug + " names the entity '" + entity + "', which "
                            + factories(found) + "; the collection gets no rows from it."
                            + " Check the name in rowcast.yml (simple or qualified)"));
                }
            } else if (warned.contains(slug)) {
                for (Mapped mapped : found) {
                    if (mapped.slugs().contains(slug) && takenBack.add(slug)) {
                        lines.add(new Line(false, "collection " + slug + ": the SessionFactory " + mapped.factory()
                                + ", built since, maps the entity '" + entity + "'; its rows are captured after all"));
                    }
                }
            }
        }
        return lines;
    }

    /** "the SessionFactory X does not map (its entities: ...)", or the same of several. */
    private static String factories(List<Mapped> found) {
        Set<String> known = new TreeSet<>();
        found.forEach(mapped -> mapped.entityNames().forEach(name -> known.add(name.substring(name.lastIndexOf('.') + 1))));
        String which = found.size() == 1 ? "the SessionFactory " + found.get(0).factory() + " does not map"
                : "none of the " + found.size() + " SessionFactories maps";
        if (known.isEmpty()) {
            return which;
        }
        List<String> names = List.copyOf(known);
        return which + " (" + (found.size() == 1 ? "its" : "their") + " entities: "
                + String.join(", ", names.size() > NAMES_SHOWN ? names.subList(0, NAMES_SHOWN) : names)
                + (names.size() > NAMES_SHOWN ? ", ..." : "") + ")";
    }
}
