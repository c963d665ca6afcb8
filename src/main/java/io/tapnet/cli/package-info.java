/**
 * The command line (Picocli: {@code demo}, {@code run}, {@code validate}, {@code gen-manpage},
 * {@code generate-completion}) and the console, whose vocabulary follows Mininet's CLI.
 *
 * <p>Every console command returns whether it succeeded, so {@code -c} and {@code --script} can exit 1
 * when one fails, and tests drive exactly what a person types. Commands touch the network only through
 * {@code Network.call}, which runs the work on the event loop; a Linux node's unknown commands run in
 * its namespace. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad topology.
 */
package io.tapnet.cli;
