package dev.rowcast.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads rowcast.yml: YAML with positions, {@code ${NAME}} from the environment, the JSON Schema,
 * then the checks of meaning. Every problem of a file is reported in one {@link ConfigException}.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /** Loads a file, with the process's environment; problems name the file as given. */
    public static RowcastConfig load(Path file) throws ConfigException {
        String name = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0,
                    "no such file: create it, or point -Drowcast.config (or ROWCAST_CONFIG) at the right one")));
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0, "is not UTF-8 text: save it as UTF-8")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, 0, "cannot be read: " + e)));
        }
        return load(name, yaml, System.getenv());
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

    /** The JSON Schema of rowcast.yml, as shipped in this jar. */
    public static InputStream schema() {
        return SchemaCheck.class.getResourceAsStream(SchemaCheck.SCHEMA_RESOURCE);
    }
}
