package dev.rowcast.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * rowcast.yml as a tree of {@link ConfigNode}s, with the line and column of every key and value;
 * as Jackson's tree ({@link #json()}) only for the full validator. {@code ${NAME}} is replaced in
 * each scalar after parsing, so positions stay those of the file. SnakeYAML's composer is used
 * alone, without its Yaml facade: that brings its representer and dumper, some 60 classes the
 * agent's start would load for nothing. Its constructor (some 20 classes, and java.util.logging's
 * start) builds only the ints, floats and booleans a config rarely spells other than 3001 or true.
 */
final class SourceTree {

    /** Where a value (and the key naming it) starts, 1-based. A list item's key is the item itself. */
    record Spot(int keyLine, int keyColumn, int line, int column) {}

    private static final Spot TOP = new Spot(1, 1, 1, 1);
    private static final int MAX_DEPTH = 64;

    private final ConfigNode root;
    private final Map<String, Spot> spots;
    /** The file's own text of each value that took something from the environment, by JSON pointer. */
    private final Map<String, String> fromEnvironment;
    private JsonNode json;

    private SourceTree(ConfigNode root, Map<String, Spot> spots, Map<String, String> fromEnvironment) {
        this.root = root;
        this.spots = spots;
        this.fromEnvironment = fromEnvironment;
    }

    /** The tree, or null when the file is empty. A YAML syntax error is reported and yields null too. */
    static SourceTree read(String yaml, Map<String, String> env, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(false);
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(4 * 1024 * 1024);
        Resolver resolver = new Resolver();
        Node node;
        try {
            // what Yaml.compose does, without building a Yaml
            node = new Composer(new ParserImpl(new StreamReader(new StringReader(yaml)), options), resolver, options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = YamlHints.mark(e);
            problems.add(line(mark), column(mark), YamlHints.explain(e));
            return null;
        } catch (YAMLException e) {
            problems.add(0, 0, "not readable as YAML: " + e.getMessage());
            return null;
        }
        if (node == null) {
            return null;
        }
        Builder builder = new Builder(env, problems, resolver);
        ConfigNode root = builder.convert(node, KeyPath.ROOT, TOP, 0);
        return new SourceTree(root, Collections.unmodifiableMap(builder.spots), Collections.unmodifiableMap(builder.fromEnvironment));
    }

    /**
     * The text the file has at this path ({@code ${JWT_SECRET}}) when its value came from the
     * environment, else null: a message about such a value quotes this, never the value, which may
     * be a secret.
     */
    String fileText(KeyPath path) {
        return fromEnvironment.get(path.pointer());
    }

    ConfigNode root() {
        return root;
    }

    /** The tree as Jackson's, made on first use: only the full validator wants it. */
    synchronized JsonNode json() {
        if (json == null) {
            json = SchemaCheck.json(root);
        }
        return json;
    }

    /** Whether the file has a value at this path. */
    boolean has(KeyPath path) {
        return spots.containsKey(path.pointer());
    }

    /** The position of the value at this path, or of its nearest ancestor that has one. */
    Spot spot(KeyPath path) {
        KeyPath at = path;
        while (true) {
            Spot spot = spots.get(at.pointer());
            if (spot != null) {
                return spot;
            }
            if (at.isRoot()) {
                return TOP;
            }
            at = at.parent();
        }
    }

    private static final class Builder {
        private final Map<String, String> env;
        private final Problems problems;
        private final Map<String, Spot> spots = new HashMap<>();
        private final Map<String, String> fromEnvironment = new HashMap<>();
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Resolver resolver;
        /** Made for the first int, float or bool that {@link Scalars#plain} leaves to it. */
        private Scalars scalars;

        Builder(Map<String, String> env, Problems problems, Resolver resolver) {
            this.env = env;
            this.problems = problems;
            this.resolver = resolver;
        }

        ConfigNode convert(Node node, KeyPath path, Spot spot, int depth) {
            spots.put(path.pointer(), spot);
            if (depth > MAX_DEPTH || !open.add(node)) {
                problems.at(spot, path, "nests too deep (or an alias refers to itself): flatten it");
                return ConfigNode.NULL;
            }
            try {
                if (node instanceof MappingNode mapping) {
                    return mapping(mapping, path, depth);
                }
                if (node instanceof SequenceNode sequence) {
                    List<Node> items = sequence.getValue();
                    List<ConfigNode> array = new ArrayList<>(items.size());
                    for (int i = 0; i < items.size(); i++) {
                        Mark mark = items.get(i).getStartMark();
                        Spot itemSpot = new Spot(line(mark), column(mark), line(mark), column(mark));
                        array.add(convert(items.get(i), path.index(i), itemSpot, depth + 1));
                    }
                    return ConfigNode.array(Collections.unmodifiableList(array));
                }
                return scalar((ScalarNode) node, path, spot);
            } finally {
                open.remove(node);
            }
        }

        private ConfigNode mapping(MappingNode mapping, KeyPath path, int depth) {
            Map<String, ConfigNode> object = ConfigNode.newFields();
            Map<String, Spot> seen = new HashMap<>();
            // explicit keys first, so that they win over keys merged in with <<: *anchor
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode().getTag().equals(Tag.MERGE)) {
                    continue;
                }
                entry(object, seen, entry, path, depth);
            }
            for (NodeTuple entry : mapping.getValue()) {
                if (!entry.getKeyNode().getTag().equals(Tag.MERGE)) {
                    continue;
                }
                Node source = entry.getValueNode();
                List<Node> sources = source instanceof SequenceNode list ? list.getValue() : List.of(source);
                for (Node merged : sources) {
                    if (!(merged instanceof MappingNode mergedMapping)) {
                        Mark mark = merged.getStartMark();
                        problems.add(line(mark), column(mark), path.display() + ": '<<' merges a mapping:"
                                + " write <<: *anchor where the anchor names a mapping");
                        continue;
                    }
                    for (NodeTuple inherited : mergedMapping.getValue()) {
                        if (inherited.getKeyNode() instanceof ScalarNode key && !seen.containsKey(key.getValue())) {
                            entry(object, seen, inherited, path, depth);
                        }
                    }
                }
            }
            return ConfigNode.object(Collections.unmodifiableMap(object));
        }

        private void entry(Map<String, ConfigNode> object, Map<String, Spot> seen, NodeTuple entry, KeyPath path, int depth) {
            Node keyNode = entry.getKeyNode();
            Mark keyMark = keyNode.getStartMark();
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                problems.add(line(keyMark), column(keyMark), (path.isRoot() ? "" : path.display() + ": ")
                        + "a key must be a plain name, not a list or mapping");
                return;
            }
            String key = keyScalar.getValue();
            Mark valueMark = entry.getValueNode().getStartMark();
            Spot spot = new Spot(line(keyMark), column(keyMark), line(valueMark), column(valueMark));
            Spot first = seen.putIfAbsent(key, spot);
            if (first != null) {
                problems.atKey(spot, path, "duplicate key '" + key + "' (first at line " + first.keyLine()
                        + "): keep one of them");
                return;
            }
            object.put(key, convert(entry.getValueNode(), path.key(key), spot, depth + 1));
        }

        /** The keys whose values are secrets: the token secret, and the Redis URI, which may hold a password. */
        private static boolean isSecret(KeyPath path) {
            String pointer = path.pointer();
            return pointer.equals("/auth/token/secret") || pointer.equals("/cluster/redis");
        }

        private ConfigNode scalar(ScalarNode node, KeyPath path, Spot spot) {
            String value = node.getValue();
            Tag tag = node.getTag();
            if (EnvSubstitution.mayContain(value)) {
                String substituted = EnvSubstitution.apply(value, env, isSecret(path), new EnvSubstitution.Faults() {
                    @Override
                    public void fault(int offset, String message) {
                        problems.add(spot.line(), columnOf(node, offset, spot), path.display() + ": " + message);
                        problems.taint(path);
                    }
                });
                if (!substituted.equals(value)) {
                    fromEnvironment.put(path.pointer(), value);
                    if (node.isPlain()) {
                        // ${PORT:-3001} is text in the file but a number once replaced, like any plain 3001
                        tag = resolver.resolve(NodeId.scalar, substituted, true);
                    }
                }
                value = substituted;
            }
            if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP) || tag.equals(Tag.BINARY)) {
                return ConfigNode.text(value);
            }
            if (tag.equals(Tag.NULL)) {
                return ConfigNode.NULL;
            }
            if (!(tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL))) {
                problems.at(spot, path, "the tag '" + tag + "' is not supported: remove it");
                return ConfigNode.text(value);
            }
            Object constructed;
            try {
                constructed = Scalars.plain(tag, value);
                if (constructed == null) {
                    if (scalars == null) {
                        scalars = new Scalars();
                    }
                    constructed = scalars.construct(new ScalarNode(tag, value, node.getStartMark(), node.getEndMark(),
                            node.getScalarStyle()));
                }
            } catch (RuntimeException e) {
                problems.at(spot, path, "'" + value + "' is not a valid " + tag.getClassName() + ": quote it to mean text");
                return ConfigNode.text(value);
            }
            if (constructed instanceof Boolean b) {
                return ConfigNode.bool(b);
            }
            if (constructed instanceof Number n) {
                return ConfigNode.number(n);
            }
            return ConfigNode.text(value);
        }

        /** The column of a character of a one-line scalar, where the file's text allows knowing it. */
        private static int columnOf(ScalarNode node, int offset, Spot spot) {
            Mark start = node.getStartMark();
            Mark end = node.getEndMark();
            if (start == null || end == null || start.getLine() != end.getLine()) {
                return spot.column();
            }
            int raw = end.getIndex() - start.getIndex();
            int length = node.getValue().length();
            if (node.isPlain() && raw == length) {
                return spot.column() + offset;
            }
            if (!node.isPlain() && raw == length + 2) {
                return spot.column() + 1 + offset;
            }
            return spot.column();
        }
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private static int column(Mark mark) {
        return mark == null ? 0 : mark.getColumn() + 1;
    }

    /** SafeConstructor's own rules for YAML 1.1 ints, floats and booleans (0x1F, 1_000, yes/no). */
    static final class Scalars extends SafeConstructor {
        /** Plain decimal ints below this many digits always fit an Integer. */
        private static final int INT_DIGITS = 9;

        Scalars() {
            super(new LoaderOptions());
        }

        Object construct(ScalarNode node) {
            return constructObject(node);
        }

        /**
         * The value of the spellings a config nearly always uses, 3001 and true or false, built as
         * the constructor would build them; null for any other, which the constructor must judge.
         */
        static Object plain(Tag tag, String value) {
            if (tag.equals(Tag.BOOL)) {
                return value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : null;
            }
            if (!tag.equals(Tag.INT) || value.isEmpty() || value.length() > INT_DIGITS || value.charAt(0) == '0' && value.length() > 1) {
                return null; // 017 is octal
            }
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                    return null;
                }
            }
            return Integer.valueOf(value);
        }
    }
}
