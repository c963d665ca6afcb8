package io.tapnet.topology;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology could not be loaded or is not valid. Carries every problem found, sorted by position, so
 * a user can fix them all in one pass.
 *
 * <p>Unchecked: a bad topology is a usage error that the command line reports (exit code 2), not
 * something the code between loader and CLI can recover from.
 */
public final class TopologyException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public TopologyException(List<Problem> problems) {
        this(sorted(problems), true);
    }

    private TopologyException(List<Problem> sorted, boolean ignored) {
        super(format(sorted));
        this.problems = sorted;
    }

    public TopologyException(Problem problem) {
        this(List.of(problem));
    }

    /** The problems, sorted by position (stable: problems at one place keep the order they were found in). */
    public List<Problem> problems() {
        return problems;
    }

    private static List<Problem> sorted(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a TopologyException needs at least one problem");
        }
        return problems.stream().sorted(Problem.BY_POSITION).toList();
    }

    private static String format(List<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }
}
