package dev.rowcast.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads rowcast.yml: YAML with positions, {@code ${NAME}} from the environment, the JSON Schema,
 * then the checks of meaning. Every problem of a file is reported in one {@link ConfigException}.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /** Loads a file, with the process's environment; problems name the file as given. */
    public static RowcastConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads a file, {@code ${NAME}} looked up in {@code env}; problems name the file as given. */
    public static RowcastConfig load(Path file, Map<String, String> env) throws ConfigException {
        String name = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0,
                    "no such file: create it, or name the right one (the agent's config=, -Drowcast.config or ROWCAST_CONFIG)")));
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0, "is not UTF-8 text: save it as UTF-8")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0, "cannot be read: " + e)));
        }
        return load(name, yaml, env);
    }

    /**
     * Loads YAML text.
     *
     * @param name the file name used in problems
     * @param env  where {@code ${NAME}} is looked up
     */
    public static RowcastConfig load(String name, String yaml, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems(name);
        SourceTree tree = SourceTree.read(yaml, env, problems);
        if (tree == null) {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems.sorted());
            }
            return RowcastConfig.defaults(); // an empty file: every default
        }
        // the model's meaning checks first: their messages are more specific than the schema's at the same place
        RowcastConfig config = ModelBuilder.build(tree, problems);
        // the full validator words each problem; a file that certainly conforms needs none of it (see CompiledSchema)
        if (!problems.isEmpty() || !CompiledSchema.conforms(tree.root())) {
            SchemaCheck.check(tree, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return config;
    }

    /**
     * A problem that a step after loading found in the file (a key file that does not parse), at the
     * value of the key its message begins with ({@code auth.token.publicKey ...}), in the form of
     * {@link ConfigProblem}: {@code file:line:column: message}, or at its nearest parent in the file.
     * The file alone when the message begins with no key of the file, or the file can no longer be read.
     */
    public static String locate(Path file, String message) {
        String name = file.toString();
        Matcher key = LEADING_KEY.matcher(message);
        if (key.lookingAt()) {
            try {
                SourceTree tree = SourceTree.read(Files.readString(file), System.getenv(), new Problems(name));
                String[] segments = key.group().split("\\.");
                if (tree != null && tree.has(KeyPath.ROOT.key(segments[0]))) {
                    KeyPath path = KeyPath.ROOT;
                    for (String segment : segments) {
                        path = path.key(segment);
                    }
                    SourceTree.Spot spot = tree.spot(path);
                    return new ConfigProblem(name, spot.line(), spot.column(), message).toString();
                }
            } catch (IOException | RuntimeException unreadable) {
                // said without a position
            }
        }
        return new ConfigProblem(name, 0, 0, message).toString();
    }

    private static final Pattern LEADING_KEY = Pattern.compile("[a-z][A-Za-z]*(\\.[a-z][A-Za-z]*)+");

    /** The JSON Schema of rowcast.yml, as shipped in this jar. */
    public static InputStream schema() {
        return SchemaCheck.class.getResourceAsStream(SchemaCheck.SCHEMA_RESOURCE);
    }
}
