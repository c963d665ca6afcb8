package io.tapnet.topology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads topology files.
 *
 * <p>The YAML is composed into a node tree rather than constructed into maps, so every value keeps the
 * line and column it was written at and every problem can point at it. All problems found are
 * reported together, sorted by position, in one {@link TopologyException}.
 */
public final class TopologyLoader {

    /** Names accepted by {@link #loadBuiltin(String)}. */
    public static final List<String> BUILTINS = List.of("demo");

    private TopologyLoader() {
    }

    /**
     * Loads a topology file. Problems are reported against {@code file} as given, so relative paths stay
     * relative in messages.
     *
     * @throws TopologyException if the file cannot be read or describes no valid topology
     */
    public static Topology load(Path file) {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TopologyException(new Problem(source, 0, 0, "no such file"));
        } catch (CharacterCodingException e) {
            throw new TopologyException(new Problem(source, 0, 0, "the file is not UTF-8 text"));
        } catch (IOException e) {
            throw new TopologyException(new Problem(source, 0, 0, "cannot read the file: " + e.getMessage()));
        }
        return parse(text, source);
    }

    /**
     * Parses topology text.
     *
     * @param sourceName the name problems are reported against, usually the file name; when the text has
     *                   no {@code name:}, the topology is named after it (without directory and extension)
     * @throws TopologyException listing every problem found
     */
    public static Topology parse(String yamlText, String sourceName) {
        List<Problem> problems = new ArrayList<>();
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(sourceName).setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeString(yamlText).orElse(null);
        } catch (MarkedYamlEngineException e) {
            throw new TopologyException(syntaxProblem(e, sourceName));
        } catch (ReaderException e) {
            throw new TopologyException(readerProblem(e, yamlText, sourceName));
        } catch (YamlEngineException e) {
            throw new TopologyException(new Problem(sourceName, 0, 0, "YAML error: " + e.getMessage()));
        }
        SourceMap map = new SourceMap(sourceName);
        YamlValues yaml = new YamlValues(sourceName, problems);
        TopologyReader reader = new TopologyReader(yaml, map);
        reader.read(root, defaultName(sourceName));
        List<LinkSpec> links = new LinkResolver(reader.nodes, reader.unusableNodes, yaml, map).resolve(reader.links);
        List<NodeSpec> nodes = reader.nodes.values().stream().map(draft -> draft.toSpec(map)).toList();
        Topology topology = new Topology(reader.name, sourceName, nodes, links);
        topology = new Topology(reader.name, sourceName, nodes, links, reader.events.resolve(topology));
        problems.addAll(TopologyValidator.check(topology, map));
        if (!problems.isEmpty()) {
            throw new TopologyException(problems);
        }
        return topology;
    }

    /**
     * Loads a topology shipped inside tapnet, such as {@code demo}.
     *
     * @throws IllegalArgumentException if there is no built-in topology of that name
     */
    public static Topology loadBuiltin(String name) {
        String resource = name + ".yaml";
        try (InputStream in = BUILTINS.contains(name) ? TopologyLoader.class.getResourceAsStream(resource) : null) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in topology '" + name + "'; built-in topologies: "
                        + String.join(", ", BUILTINS));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin/" + resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in topology " + resource, e);
        }
    }

    private static Problem syntaxProblem(MarkedYamlEngineException e, String source) {
        var mark = e.getProblemMark().or(e::getContextMark);
        StringBuilder message = new StringBuilder("YAML syntax error: ").append(e.getProblem());
        if (e.getContext() != null && e.getContextMark().isPresent()) {
            message.append(" (").append(e.getContext()).append(" started at ")
                    .append(YamlValues.position(e.getContextMark().get())).append(')');
        } else if (e.getContext() != null) {
            message.append(" (").append(e.getContext()).append(')');
        }
        String problem = e.getProblem() == null ? "" : e.getProblem();
        if (problem.contains("mapping values are not allowed")) {
            message.append("; check the indentation, and quote values that contain ': '");
        } else if (problem.contains("expected <block end>")) {
            message.append("; check the indentation: keys of one mapping must start in the same column");
        } else if (problem.contains("expected ',' or '}'")) {
            message.append("; is a closing '}' missing?");
        } else if (problem.contains("expected ',' or ']'")) {
            message.append("; is a closing ']' missing?");
        }
        return mark.map(m -> new Problem(source, m.getLine() + 1, m.getColumn() + 1, message.toString()))
                .orElse(new Problem(source, 0, 0, message.toString()));
    }

    /** Characters YAML does not allow (control characters, say) come with an offset rather than a mark. */
    private static Problem readerProblem(ReaderException e, String text, String source) {
        int line = 1;
        int column = 1;
        int codePoints = 0;
        for (int i = 0; i < text.length() && codePoints < e.getPosition(); i = text.offsetByCodePoints(i, 1)) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            codePoints++;
        }
        return new Problem(source, line, column, "character U+" + String.format("%04X", e.getCodePoint())
                + " is not allowed in YAML; remove it");
    }

    private static String defaultName(String sourceName) {
        String name = sourceName.substring(Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\')) + 1);
        for (String extension : List.of(".yaml", ".yml")) {
            if (name.endsWith(extension)) {
                return name.substring(0, name.length() - extension.length());
            }
        }
        return name;
    }
}
