/**
 * The command-line conventions every program of plasmid-examples shares, on picocli:
 * {@link org.plasmid.examples.cli.Cli} (exit codes 0, 1, 2; a wrong command line is one line with a
 * suggestion for a mistyped option, never a stack trace; help written {@code --name VALUE}) and
 * {@link org.plasmid.examples.cli.ManifestVersion} ({@code --version}), and the converters of values as users
 * write them: {@link org.plasmid.examples.cli.DurationConverter} ({@code 30s}) and
 * {@link org.plasmid.examples.cli.SizeConverter} ({@code 64KiB}). Depends on nothing of Plasmid.
 */
package org.plasmid.examples.cli;
