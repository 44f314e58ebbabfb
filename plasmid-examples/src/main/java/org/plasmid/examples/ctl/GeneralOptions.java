package org.plasmid.examples.ctl;

import picocli.CommandLine.Option;

/** Help, version and shell completion: each prints and exits. */
final class GeneralOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "print the version and exit")
    boolean version;

    @Option(names = "--completion",
            description = "print a bash completion script for the command plasmidctl and exit; for example "
                    + "alias plasmidctl='java -jar /path/to/plasmidctl.jar' and source <(plasmidctl --completion)")
    boolean completion;
}
